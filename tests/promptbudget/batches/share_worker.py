"""A process that answers the conftest jobs through a batch and prints its ledger totals (see test_session)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.support.fake_anthropic import FakeAnthropicServer  # noqa: E402
from tests.promptbudget.batches.conftest import jobs, make_engine, make_session  # noqa: E402


class _Remote(FakeAnthropicServer):
    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url


if __name__ == "__main__":
    engine = make_engine(_Remote(sys.argv[1]), Path(sys.argv[2]))
    make_session(engine).complete_all(jobs(10))
    print(json.dumps(engine.ledger.totals().to_dict()))
