"""A tqdm bar of a batch's request counts while it is polled, with elapsed time and the next poll."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from .api import PollStatus


class BatchProgressBar:
    """Callable fed one PollStatus per poll; one bar per batch id."""

    def __init__(self, stream: TextIO = sys.stderr):
        self.stream = stream
        self._bar: tqdm | None = None
        self._batch_id: str | None = None

    def __call__(self, status: PollStatus) -> None:
        if status.batch_id != self._batch_id:
            self.close()
            self._batch_id = status.batch_id
            self._bar = tqdm(total=status.total, desc=f"batch {status.batch_id[-8:]}", unit="req",
                             file=self.stream, position=2, leave=False, dynamic_ncols=True)
        bar = self._bar
        bar.n = status.done
        counts = status.counts
        bar.set_postfix_str(describe(status), refresh=False)
        bar.refresh()
        if status.status == "ended":
            tqdm.write(f"batch {status.batch_id}: {counts['succeeded']} succeeded, {counts['errored']} errored, "
                       f"{counts['expired']} expired, {counts['canceled']} canceled after "
                       f"{status.elapsed_s:.0f}s", file=self.stream)
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar, self._batch_id = None, None


def describe(status: PollStatus) -> str:
    counts = status.counts
    text = (f"ok {counts['succeeded']} err {counts['errored']} exp {counts['expired']} "
            f"cancel {counts['canceled']} | elapsed {status.elapsed_s:.0f}s")
    if status.next_poll_s is not None:
        text += f" | next poll in {status.next_poll_s:.0f}s"
    return text
