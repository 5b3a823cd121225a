"""The polling bar: request counts, elapsed time and the next poll."""

from __future__ import annotations

import io

from promptbudget.batches.api import PollPolicy, PollStatus
from promptbudget.batches.progress import BatchProgressBar, describe

COUNTS = {"processing": 6, "succeeded": 3, "errored": 1, "canceled": 0, "expired": 0}


def test_describe_shows_counts_elapsed_and_next_poll():
    status = PollStatus("msgbatch_x", "in_progress", COUNTS, 12.4, 7.5)
    assert status.total == 10 and status.done == 4
    assert describe(status) == "ok 3 err 1 exp 0 cancel 0 | elapsed 12s | next poll in 8s"


def test_the_bar_ends_with_a_summary_line():
    stream = io.StringIO()
    bar = BatchProgressBar(stream)
    bar(PollStatus("msgbatch_abcdefgh", "in_progress", COUNTS, 1.0, 5.0))
    bar(PollStatus("msgbatch_abcdefgh", "ended", {**COUNTS, "processing": 0, "succeeded": 9}, 9.0, None))
    text = stream.getvalue()
    assert "next poll in 5s" in text and "msgbatch_abcdefgh: 9 succeeded, 1 errored" in text


def test_poll_delays_back_off_to_a_ceiling():
    delays = PollPolicy(first_s=5, factor=1.5, max_s=10).delays()
    assert [next(delays) for _ in range(4)] == [5, 7.5, 10, 10]
