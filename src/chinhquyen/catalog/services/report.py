"""Render an import report for people: plain text for the console, Markdown for the docs."""

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importer import ImportReport

_RAW_LIMIT = 160
HOW_TO_READ = gettext_lazy(
    "Each value below was in the source but could not be read without guessing, so the catalog holds it "
    "empty: complete it by hand in the admin, or fix it at the source and re-import. The published text "
    "(time limit, fees, result) is kept as it was, so nothing is lost. Raw values longer than 160 "
    "characters are cut."
)


def report_summary(report: ImportReport) -> str:
    """One line of counts."""
    return _(
        "%(records)d procedures read (%(skipped)d skipped by level): %(created)d created, %(updated)d updated, "
        "%(unchanged)d unchanged; %(issues)d values left empty."
    ) % {
        "records": report.records,
        "skipped": report.skipped,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "issues": len(report.issues),
    }


def report_reasons(report: ImportReport) -> list[tuple[str, str, int]]:
    """(field, reason, count) for every kind of value left empty, most frequent first.

    Indexes such as ``submission_channels[2]`` are dropped so the same kind of value counts once.
    """
    counter = Counter((_kind(issue.field), issue.reason) for issue in report.issues)
    return [(field, reason, n) for (field, reason), n in counter.most_common()]


def _kind(field: str) -> str:
    out, depth = [], 0
    for char in field:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def report_markdown(report: ImportReport, *, title: str, source: str, counts: dict[str, int] | None = None) -> str:
    """The whole report as Markdown: counts, a summary by reason, then every value left empty."""
    lines = [f"# {title}", "", source, "", str(HOW_TO_READ), "", "## " + _("Counts"), "", f"- {report_summary(report)}"]
    for label, n in (counts or {}).items():
        lines.append(f"- {label}: {n:,}")
    lines += ["", "## " + _("Values left empty, by kind"), "", "| field | reason | count |", "|---|---|---:|"]
    lines += [f"| {_cell(field)} | {_cell(reason)} | {n:,} |" for field, reason, n in report_reasons(report)]
    lines += ["", "## " + _("Every value left empty"), "", "| code | field | raw value | reason |", "|---|---|---|---|"]
    for issue in report.issues:
        raw = issue.raw if len(issue.raw) <= _RAW_LIMIT else issue.raw[: _RAW_LIMIT - 1] + "…"
        lines.append(f"| {issue.code} | {_cell(issue.field)} | {_cell(raw)} | {_cell(issue.reason)} |")
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ⏎ ") or " "
