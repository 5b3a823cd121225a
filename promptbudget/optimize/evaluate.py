"""Answering and scoring items; kept as a name for promptbudget.experiment.answering, where it lives."""

from ..experiment.answering import ItemResult, answer_items, summarize

__all__ = ["ItemResult", "answer_items", "summarize"]
