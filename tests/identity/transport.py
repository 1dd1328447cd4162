"""A requests transport that answers from the Django test client: the relying party's server-side calls
to the simulator (token, userinfo, JWKS) run in-process, without a socket."""

from urllib.parse import urlsplit

import requests
from django.test import Client
from django.utils import translation
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


class DjangoClientAdapter(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str]] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        self.calls.append((request.method, parts.path))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"content-type", "content-length"}}
        headers["Host"] = parts.netloc
        language = translation.get_language()
        try:
            answer = Client().generic(
                request.method,
                f"{parts.path}?{parts.query}" if parts.query else parts.path,
                data=request.body or b"",
                content_type=request.headers.get("Content-Type", "application/octet-stream"),
                secure=parts.scheme == "https",
                headers=headers,
            )
        finally:
            # A nested request activates its own language; the outer request keeps the one it had.
            translation.activate(language) if language else translation.deactivate()
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.content
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        response.reason = answer.reason_phrase
        return response

    def close(self) -> None:
        pass
