"""The batch bench's memory figure: flat while results stream, growing when they are materialized."""

from __future__ import annotations

from bench.batch_bench import batch_client_memory


def test_the_collect_excess_is_flat_when_streamed_and_grows_when_materialized(monkeypatch):
    # Both sizes well above the writer's bound on waiting writes: on a loaded machine the writes
    # fall behind and fill it (at 256, a 200-request batch could not, a 1,000-request one could).
    monkeypatch.setattr("promptbudget.batches.writer.MAX_PENDING", 16)
    streamed = batch_client_memory((200, 1000))
    materialized = batch_client_memory((200, 1000), materialize=True)
    assert streamed["batch_collect_excess_growth"] < 2.0 < 3.0 < materialized["batch_collect_excess_growth"]
    assert streamed["batch_client_kept_mb_1k"] > streamed["batch_client_kept_mb_0.2k"] > 0
