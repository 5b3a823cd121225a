"""What a run was set up with, as its summary records it: the task's item sets, the engines and
thinking setting, the thinking ladder of a joint search, and the settings readers rely on."""

from __future__ import annotations

from typing import Any, Optional

from .base import Part
from .numbers import Number


class SavedTask(Part):
    """The task and the items its validation and test sets were drawn from."""

    name: Optional[str] = None
    train: Optional[int] = None
    val: Optional[int] = None
    test: Optional[int] = None
    """How many items each split of the task has."""
    val_ids: list[str] = []
    test_ids: list[str] = []


class SavedThinking(Part):
    mode: Optional[str] = None
    budget_tokens: Optional[int] = None
    effort: Optional[str] = None


class SavedEngines(Part):
    answer: Optional[str] = None
    """The answer model, `engine/model`."""
    optimizer: Optional[str] = None
    thinking: Optional[SavedThinking] = None
    max_tokens: Optional[int] = None


class SavedRung(Part):
    """One thinking setting of a joint prompt + thinking search."""

    label: Optional[str] = None
    thinking: Optional[SavedThinking] = None
    max_tokens: Optional[int] = None


class SavedConfig(Part):
    """The optimize settings readers use; every other setting is kept as written."""

    task: Optional[str] = None
    model: Optional[str] = None
    accuracy_weight: Number = 0.0
    efficiency_weight: Number = 0.0
    seed: Optional[Any] = None
    run_validation: Optional[bool] = True
    batch_size: Optional[int] = None
    eval_samples: Optional[int] = None
    test_samples: Optional[int] = None
