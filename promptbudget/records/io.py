"""The one way results are read back (`read_record`) and written (`write_record`).

Resume, the report, export and the policy loader all read through `load_json` and
`validate_record` (composed as `read_record`), so a damaged file gets the same `RecordError`
wherever it is read: the file, the field, what is wrong with it and how to fix it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from ..jsonio import write_json_atomic
from .base import Record, RecordError, parse_schema

R = TypeVar("R", bound=Record)

_GOT_LIMIT = 60
_EXPECTED = {
    "int_type": "a whole number", "int_from_float": "a whole number", "float_type": "a number",
    "finite_number": "a finite number", "string_type": "a string", "bool_type": "true or false", "list_type": "a list", "dict_type": "an object",
    "model_type": "an object", "model_attributes_type": "an object", "none_required": "null",
}


def read_record(path: str | os.PathLike, kind: type[R], *, shown_as: str | None = None) -> R:
    """Parse and validate one results file as `kind`; RecordError (exit 2) when it is not one."""
    where = shown_as or str(path)
    return validate_record(load_json(path, where=where, fix=kind.FIX), kind, where=where)


def write_record(path: str | os.PathLike, record: Record, *, durable: bool = True) -> None:
    """Write a typed record atomically (see `jsonio.write_json_atomic`)."""
    write_json_atomic(path, record.to_json(), durable=durable)


def load_json(path: str | os.PathLike, *, where: str | None = None, fix: str = Record.FIX) -> Any:
    """The JSON value in a file; RecordError naming what stops it being read."""
    where = where or str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise RecordError(where, "not found", "check the path") from None
    except IsADirectoryError:
        raise RecordError(where, "is a directory, not a file", "give the file's path") from None
    except OSError as exc:
        raise RecordError(where, f"cannot be read ({exc.strerror or exc})", "check its permissions") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(where, f"not UTF-8 text (byte {exc.start})", fix) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        end = len(text.rstrip())
        if end == 0:
            raise RecordError(where, "empty file", fix) from None
        # A file cut short fails at its very end, or inside a string that never closes.
        truncated = exc.pos >= end or exc.msg.startswith("Unterminated string")
        raise RecordError(where, f"{'truncated' if truncated else 'corrupted'} JSON (not valid JSON: {exc.msg} at line "
                          f"{exc.lineno}, column {exc.colno})", fix) from None


def validate_record(data: Any, kind: type[R], *, where: str) -> R:
    """`data` (a parsed JSON value) as a typed `kind` record; RecordError when it is not one."""
    if not isinstance(data, dict):
        raise RecordError(where, f"not a {kind.TITLE}: a {kind.TITLE} is a JSON object", kind.FIX)
    check_schema(data.get("schema"), kind, where)
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        field, problem = describe(errors[0])
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        raise RecordError(where, f"{problem}{more}", kind.FIX, field) from None


def check_schema(schema: Any, kind: type[Record], where: str) -> None:
    """Refuse a file of another kind, or of a version this build does not read, saying which."""
    wanted = kind.schema_name()
    parsed = parse_schema(schema)
    if parsed is None or parsed[0] != kind.KIND:
        found = "'schema' is missing" if schema is None else f"schema is {_shown(schema)}"
        raise RecordError(where, f"not a {kind.TITLE}: {found}, expected {wanted!r}",
                          f"give a {kind.TITLE} written by promptbudget", "schema")
    version = parsed[1]
    if version > kind.VERSION:
        raise RecordError(where, f"schema {schema} was written by a newer promptbudget; this version reads {wanted}",
                          "upgrade promptbudget to read it", "schema")
    if version < kind.VERSION:
        raise RecordError(where, f"schema {schema} is an older format this version no longer reads (it reads "
                          f"{wanted})", "re-run it with this version", "schema")


def describe(error: dict[str, Any]) -> tuple[str, str]:
    """(field path, what is wrong) of one pydantic error, in the words of the JSON file:
    "steps[3].batch[0]: 'output_tokens' must be a whole number (got "3")"."""
    loc = tuple(error["loc"])
    field = field_path(loc)
    kind = error["type"]
    if not loc:  # a check across fields: its message names them
        return field, _message(error)
    parent = f"{field_path(loc[:-1])}: " if len(loc) > 1 else ""
    leaf = f"'{loc[-1]}'" if not isinstance(loc[-1], int) else f"item {loc[-1]}"
    if kind == "missing":
        return field, f"{parent}{leaf} is missing"
    got = f" (got {_shown(error['input'])})"
    if kind in _EXPECTED:
        return field, f"{parent}{leaf} must be {_EXPECTED[kind]}{got}"
    if kind == "literal_error":
        return field, f"{parent}{leaf} must be {error['ctx']['expected']}{got}"
    return field, f"{parent}{leaf} {_message(error)}{got}"


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg") or error["type"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def field_path(loc: tuple[Any, ...]) -> str:
    """`steps[3].batch[0].output_tokens` from pydantic's location tuple."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(the whole file)"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _GOT_LIMIT else text[:_GOT_LIMIT - 3] + "..."
