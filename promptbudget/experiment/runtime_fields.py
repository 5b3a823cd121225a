"""The five runtime settings (engine endpoint, spending cap, prices, cache) of every command config."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from ..runtime import RuntimeConfig, RuntimeSettings

Config = TypeVar("Config", bound="RuntimeFields")


@dataclass(frozen=True)
class RuntimeFields(RuntimeSettings):
    """Base of a command's frozen config dataclass: the fields RuntimeConfig is built from."""

    def runtime(self) -> RuntimeConfig:
        return RuntimeConfig.of(self)

    @classmethod
    def from_flags(cls: type[Config], args: argparse.Namespace, *, tuples: tuple[str, ...] = ()) -> Config:
        """The config of parsed flags (other attributes ignored); `tuples` name list flags kept as tuples."""
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in vars(args).items() if k in names}
        for key in tuples:
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        return cls(**values)
