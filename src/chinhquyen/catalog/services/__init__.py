"""Writes for the procedure catalog; import and export live in their own modules."""

from .demo import FIXTURE_PATH, catalog_build_fixture, catalog_load_demo
from .exporter import catalog_export, procedure_record
from .formats import FileError
from .importer import FORMATS, ImportReport, catalog_import
from .procedures import (
    field_save,
    procedure_assign_agencies,
    procedure_save,
    procedures_assign_agencies,
    process_shares_check,
    process_steps_check,
    process_sum_problem,
    process_template_set,
)
from .records import ImportIssue

__all__ = [
    "FIXTURE_PATH",
    "FORMATS",
    "FileError",
    "ImportIssue",
    "ImportReport",
    "catalog_build_fixture",
    "catalog_export",
    "catalog_import",
    "catalog_load_demo",
    "field_save",
    "procedure_assign_agencies",
    "procedure_record",
    "procedure_save",
    "procedures_assign_agencies",
    "process_shares_check",
    "process_steps_check",
    "process_sum_problem",
    "process_template_set",
]
