"""Reading an operation's JSON body: an object, whose every number Python can hold."""

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class NumberTooLong(ValueError):
    """An integer literal beyond Python's limit on digits (4,300): valid JSON, but no field can hold it.

    ``field`` is where it sits, as the API names fields (``items.1.x``).
    """

    def __init__(self, field: str) -> None:
        super().__init__(f"an integer literal in {field or 'the body'} has too many digits")
        self.field = field


class _TooLong:
    """Stands for an integer literal ``int()`` refuses, until its place in the body is known."""


TOO_LONG = _TooLong()


def _integer(text: str) -> int | _TooLong:
    try:
        return int(text)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return TOO_LONG


def _place_of_too_long(data: Any) -> str | None:
    """The dotted place of the first integer too long in ``data`` (walked without recursion), or None."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:
        value, place = stack.pop()
        if value is TOO_LONG:
            return ".".join(place)
        if isinstance(value, dict):
            stack.extend((item, (*place, str(key))) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((item, (*place, str(index))) for index, item in reversed(list(enumerate(value))))
    return None


class ObjectParser(Parser):
    """Every operation's JSON body is an object: refuse anything else (a 400 ``malformed_request``), which
    ninja's ``Schema``, reading attributes, would otherwise take for ``{}``. An integer literal of more
    digits than Python converts is refused on its field (400 ``invalid_request``), not a server error."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        too_long = False

        def integer(text: str) -> int | _TooLong:
            nonlocal too_long
            value = _integer(text)
            too_long = too_long or value is TOO_LONG
            return value

        data = json.loads(request.body, parse_int=integer)
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")  # ninja answers 400, as to broken JSON
        if too_long:
            raise NumberTooLong(_place_of_too_long(data) or "")
        return data
