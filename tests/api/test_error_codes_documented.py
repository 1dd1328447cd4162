"""Every error code the dossiers domain and the API raise is a row of docs/api.md's table of codes."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "src" / "chinhquyen" / "dossiers", ROOT / "src" / "chinhquyen" / "api"]
DOCS = ROOT / "docs" / "api.md"
# The refusals whose code is given by keyword (``code="..."``), and those given second, after the status.
BY_KEYWORD = {"TransitionRefused", "InvalidInput", "ApiError", "DossierNotFound"}
BY_POSITION = {"ApiError", "error_response"}
ROW = re.compile(r"^\| `([a-z_]+)` \| ([0-9x, ]+) \|", re.MULTILINE)


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _codes_in(tree: ast.Module) -> set[str]:
    # A code held in a module's constant (SHOWN_ONCE_CODE) counts; one passed on from another refusal (a
    # variable) is a literal where that refusal is made.
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    codes = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):  # a refusal's default: ``code = "dossier_not_found"``
            codes |= {
                item.value.value
                for item in node.body
                if isinstance(item, ast.Assign)
                and [getattr(t, "id", "") for t in item.targets] == ["code"]
                and isinstance(item.value, ast.Constant)
            }
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        values = [k.value for k in node.keywords if k.arg == "code" and name in BY_KEYWORD]
        if name in BY_POSITION and len(node.args) >= 2:
            values.append(node.args[1])
        for value in values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                codes.add(value.value)
            elif isinstance(value, ast.Name) and value.id in constants:
                codes.add(constants[value.id])
    return codes


def _source_codes() -> set[str]:
    codes: set[str] = set()
    for package in SOURCES:
        for path in sorted(package.rglob("*.py")):
            codes |= _codes_in(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return codes


def _documented() -> dict[str, str]:
    return dict(ROW.findall(DOCS.read_text(encoding="utf-8")))


def test_the_collector_finds_codes_of_each_kind():
    codes = _source_codes()

    # by keyword, by position, a module's constant, a class's default
    assert {"stale_version", "user_not_found", "idempotency_secret_shown_once", "dossier_not_found"} <= codes
    assert {"method_not_allowed", "invalid_request", "server_error"} <= codes


def test_every_code_raised_is_in_the_docs_table():
    documented = _documented()

    missing = sorted(_source_codes() - documented.keys())

    assert missing == []


def test_the_codes_added_today_are_documented_with_their_status():
    documented = _documented()

    assert {code: documented.get(code) for code in ("leader_step_later", "reason_required", "too_long")} == {
        "leader_step_later": "409",
        "reason_required": "422",
        "too_long": "422",
    }
