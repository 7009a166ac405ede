"""What validating a file found: issues (row, column, code, severity) and the report, and
the reporter that names each issue's column as the user wrote it."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogue.columns import COLUMNS
from catalogue.messages import format_location, format_message
from catalogue.model import Partner
from catalogue.taxonomy import check_language

SEVERITIES: tuple[str, ...] = ("error", "warning")


@dataclass
class ValidationIssue:
    """One problem in one cell (or column, or the whole file when ``row`` is None)."""

    row: int | None
    column: str
    code: str
    severity: str
    params: dict = field(default_factory=dict)
    row_kind: str = "row"

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}; expected one of {SEVERITIES}")

    def detail(self, lang: str = "pl") -> str:
        """What is wrong and how to fix it, without the location."""
        return format_message(self.code, lang, self.params)

    def location(self, lang: str = "pl") -> str:
        """``Wiersz 5, kolumna „kategoria”`` and the like."""
        return format_location(self.row, self.column, lang, self.row_kind)

    def message(self, lang: str = "pl") -> str:
        """The full line: location, then what is wrong and how to fix it."""
        return f"{self.location(lang)}: {self.detail(lang)}"


@dataclass
class ValidationReport:
    """Every issue found in a file, with the rows that passed.

    ``new_partners`` are the partners the file would create (see the module docstring).
    """

    issues: list[ValidationIssue] = field(default_factory=list)
    valid_rows: list[int] = field(default_factory=list)
    checked_rows: list[int] = field(default_factory=list)  # non-empty rows
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> header as written
    new_partners: list[Partner] = field(default_factory=list)
    lang: str = "pl"
    row_kind: str = "row"

    @property
    def errors(self) -> list[ValidationIssue]:
        """Issues that stop a row (or the file) from being imported."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ValidationIssue]:
        """Issues worth a look that do not stop the import."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings are fine)."""
        return not self.errors

    @property
    def error_rows(self) -> list[int]:
        """Row numbers with at least one error, ascending."""
        return sorted({i.row for i in self.errors if i.row is not None})

    def to_text(self, lang: str | None = None) -> str:
        """One line per issue, in ``lang`` (default: the language validation was run in)."""
        lang = check_language(lang or self.lang)
        return "\n".join(issue.message(lang) for issue in self.issues)


@dataclass
class Row:
    """One non-empty row of the file: its number as the user sees it, its cells by canonical
    column, and the issues found in it so far."""

    number: int
    cells: dict[str, object]  # canonical column -> raw value
    issues: list[ValidationIssue] = field(default_factory=list)

    @property
    def has_error(self) -> bool:
        """True once any error has been found in the row."""
        return any(i.severity == "error" for i in self.issues)


class Reporter:
    """Makes the issues of one file: the row numbered as in the file, the column named as
    the user wrote it (else in the report's language); collects file-level issues."""

    def __init__(self, lang: str, row_kind: str) -> None:
        self.lang = lang
        self.row_kind = row_kind
        self.report = ValidationReport(lang=lang, row_kind=row_kind)
        self.columns: dict[str, str] = {}  # canonical -> header as written

    def col(self, canonical: str) -> str:
        """The column as the user wrote it, or its name in the report's language."""
        if canonical in self.columns:
            return self.columns[canonical]
        return COLUMNS[canonical] if self.lang == "pl" else canonical

    def issue(
        self, row: Row | None, canonical: str, code: str, severity: str = "error", **params
    ) -> None:
        issue = ValidationIssue(
            row=row.number if row else None,
            column=self.col(canonical) if canonical else "",
            code=code,
            severity=severity,
            params=params,
            row_kind=self.row_kind,
        )
        (row.issues if row else self.report.issues).append(issue)

    def header_issue(self, where: str, code: str, severity: str = "error", **params) -> None:
        # Header problems sit on the header row of a spreadsheet; GeoJSON has none.
        row = 1 if self.row_kind == "row" else None
        self.report.issues.append(
            ValidationIssue(row, where, code, severity, params, self.row_kind)
        )


def issue_order(issue: ValidationIssue) -> tuple:
    """Sort key: file-level issues first, then by row; within a row errors before warnings."""
    return (issue.row if issue.row is not None else 0, issue.severity != "error")
