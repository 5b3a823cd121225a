"""TextGrad imported without side effects: no log file, no cost-map download, litellm loaded only if used."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types

import promptbudget.textgrad_env  # noqa: F401 - imports TextGrad the package's way
from textgrad.engine_experimental import litellm as textgrad_litellm


def test_textgrads_litellm_completion_reaches_the_real_litellm_when_called(monkeypatch):
    calls = []
    fake = types.ModuleType("litellm")
    fake.completion = lambda *args, **kwargs: calls.append((args, kwargs)) or "reply"
    monkeypatch.setitem(sys.modules, "litellm", fake)
    assert textgrad_litellm.completion(model="m", messages=[]) == "reply"
    assert calls == [((), {"model": "m", "messages": []})]


def test_after_textgrad_is_imported_import_litellm_gives_the_real_package(tmp_path):
    probe = textwrap.dedent("""
        import sys
        import promptbudget.textgrad_env
        assert "litellm" not in sys.modules, sorted(m for m in sys.modules if "litellm" in m)
        import litellm
        print(hasattr(litellm, "__file__"), callable(litellm.completion))
    """)
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True"]
    assert list(tmp_path.iterdir()) == []  # no ./logs/ folder, no log file
