"""The batch bench's memory figure: flat while results stream, growing when they are materialized.

Measured in a fresh interpreter: tracemalloc counts every thread of the process, and in a test
worker other tests' threads and garbage would be counted with the batch's (in CI a 200-request
batch once "kept" 3.9 MB, four times the 1,000-request one).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Both sizes well above the writer's bound on waiting writes: on a loaded machine the writes
# fall behind and fill it (at 256, a 200-request batch could not, a 1,000-request one could).
PROBE = """
import json
import promptbudget.batches.writer as writer
writer.MAX_PENDING = 16
from bench.batch_bench import batch_client_memory
print(json.dumps([batch_client_memory((200, 1000)), batch_client_memory((200, 1000), materialize=True)]))
"""


def test_the_collect_excess_is_flat_when_streamed_and_grows_when_materialized(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    streamed, materialized = json.loads(done.stdout.strip().splitlines()[-1])
    assert streamed["batch_collect_excess_growth"] < 2.0 < 3.0 < materialized["batch_collect_excess_growth"]
    assert streamed["batch_client_kept_mb_1k"] > streamed["batch_client_kept_mb_0.2k"] > 0
