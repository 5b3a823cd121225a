"""Saved batches: written before polling, found again by engine identity, owned by one process."""

from __future__ import annotations

import os
import subprocess
import sys

from promptbudget.batches.state import BatchStateStore

IDENTITY = {"engine": "anthropic", "model": "m", "base_url": "http://x"}


def test_saved_batches_are_found_by_identity_and_removed(tmp_path):
    store = BatchStateStore(tmp_path)
    state = store.save("msgbatch_1", IDENTITY, {"k1": {"role": "answer", "request": {}}})
    assert state.owner_pid == os.getpid() and not state.owned_by_another_live_process()
    assert [s.batch_id for s in store.in_flight(IDENTITY)] == ["msgbatch_1"]
    assert store.in_flight({**IDENTITY, "model": "other"}) == []
    (tmp_path / "garbage.json").write_text("{not json")
    assert len(store.in_flight(IDENTITY)) == 1
    store.remove("msgbatch_1")
    assert store.in_flight(IDENTITY) == [] and not store.exists("msgbatch_1")


def test_a_dead_owner_is_adopted_a_live_one_is_not(tmp_path):
    store = BatchStateStore(tmp_path)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        state = store.save("msgbatch_2", IDENTITY, {})
        foreign = type(state)(state.batch_id, state.identity, state.requests, state.submitted_at, child.pid)
        assert foreign.owned_by_another_live_process()
    finally:
        child.kill()
        child.wait()
    assert not foreign.owned_by_another_live_process()
    assert store.adopt(foreign).owner_pid == os.getpid()
