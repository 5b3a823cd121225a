"""A process that dies (SIGKILL) the moment `batches.create` returns, before the batch id is saved.

`python create_window_worker.py BASE_URL CACHE_DIR N`: answers the conftest jobs(N) through a batch
(see test_session_recovery)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.promptbudget.batches.conftest import jobs, make_engine, make_session  # noqa: E402
from tests.promptbudget.batches.share_worker import _Remote  # noqa: E402

if __name__ == "__main__":
    engine = make_engine(_Remote(sys.argv[1]), Path(sys.argv[2]))
    batches = engine.client.messages.batches
    create = batches.create

    def create_then_die(**kwargs):
        create(**kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    batches.create = create_then_die
    make_session(engine).complete_all(jobs(int(sys.argv[3])))
