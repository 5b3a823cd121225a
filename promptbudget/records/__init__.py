"""Typed, versioned result records, and the one way they are read back and written.

Every file the tool writes and reads back is a `Record` (a frozen pydantic model with a
`schema` field, `promptbudget.<kind>/<version>`): read it with `read_record(path, Kind)` (or
`load_json` + `validate_record`), write it with `write_record`. A file that is not a good
record raises `RecordError` (a UsageError: exit 2) naming the file, the field and the fix.
"""

from .base import Record, RecordError, parse_schema
from .io import load_json, read_record, validate_record, write_record
from .policy import BudgetPolicy
from .budget_sweep import BudgetSweepResults
from .confidence_split import ConfidenceSplitResults
from .results import Recommendation, SweepSummary
from .run import ResumableRun, RunSummary

REPORTED: dict[str, type[Record]] = {
    kind.KIND: kind for kind in (RunSummary, SweepSummary, BudgetSweepResults, ConfidenceSplitResults)
}
"""The record kinds the report reads, by kind."""

__all__ = [
    "REPORTED", "BudgetPolicy", "BudgetSweepResults", "ConfidenceSplitResults", "Recommendation", "Record",
    "RecordError", "ResumableRun", "RunSummary", "SweepSummary", "load_json", "parse_schema",
    "read_record", "validate_record", "write_record",
]
