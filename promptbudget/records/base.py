"""What every result record shares: a versioned `schema` field, typed fields, and one error type.

A record is a frozen pydantic model of one JSON file the tool writes and reads back. Fields are
strict (a count written as "3" or true is refused, not coerced); fields the model does not name
are kept, so a file with more than this build knows still reads.

Code that builds a record over time (the optimize loop) keeps it frozen and makes the next value
with `but(field=...)`: a copy validated like any new record (so a wrong value fails where it is
set, not at the next save), whose JSON keeps the keys the record was given and gains the changed ones.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Self

from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, SerializerFunctionWrapHandler,
                      ValidatorFunctionWrapHandler, model_serializer, model_validator)

from ..errors import UsageError

SCHEMA_RE = re.compile(r"^promptbudget\.([A-Za-z0-9_.-]+)/(\d+)$")


class RecordError(UsageError):
    """A result file that cannot be read as the record asked for: names the file, the field and the fix."""

    def __init__(self, where: str, problem: str, fix: str, field: str | None = None):
        self.where, self.problem, self.fix, self.field = where, problem, fix, field
        super().__init__(f"{where}: {problem}; {fix}")


class Part(BaseModel):
    """A typed piece of a record (strict, frozen, unknown fields kept)."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True, populate_by_name=True)

    def but(self, **changes: Any) -> Self:
        """This part with `changes`, validated. Fields never given stay unset (left out of its JSON)."""
        given = {name: getattr(self, name) for name in self.model_fields_set}
        return self.model_validate({**given, **(self.model_extra or {}), **changes})

    def to_json(self) -> dict[str, Any]:
        """The JSON object this part is written as (fields in the model's order, only those given)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class GivenOrderPart(Part):
    """A part written back with its keys in the order it was given: for a block whose keys the model
    names only a few of (a run's config), so that reading and writing it does not reorder the file."""

    _order: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _remember_order(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        part = handler(data)
        if isinstance(data, dict):
            part._order = tuple(data)
        return part

    @model_serializer(mode="wrap")
    def _in_given_order(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped = handler(self)
        rank = {key: i for i, key in enumerate(self._order)}
        return dict(sorted(dumped.items(), key=lambda item: rank.get(item[0], len(rank))))

    def but(self, **changes: Any) -> Self:
        part = super().but(**changes)
        part._order = self._order + tuple(key for key in changes if key not in self._order)
        return part


class Record(Part):
    """A whole results file. Subclasses set the kind, version, a name for messages and the fix."""

    KIND: ClassVar[str]
    VERSION: ClassVar[int] = 1
    TITLE: ClassVar[str]
    """What the file is, for messages: "run summary"."""
    FIX: ClassVar[str] = "write it again with this version of promptbudget"
    """How to get a good file when this one is damaged."""

    schema_id: str = Field(alias="schema")

    @classmethod
    def schema_name(cls) -> str:
        return f"promptbudget.{cls.KIND}/{cls.VERSION}"

    @classmethod
    def build(cls, **fields: Any) -> Self:
        """A new record of this kind (its `schema` set first) from its fields, validated."""
        return cls.model_validate({"schema": cls.schema_name(), **fields})


def parse_schema(value: Any) -> tuple[str, int] | None:
    """(kind, version) of a `promptbudget.<kind>/<version>` string, else None."""
    match = SCHEMA_RE.match(value) if isinstance(value, str) else None
    return (match.group(1), int(match.group(2))) if match else None
