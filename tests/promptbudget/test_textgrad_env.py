"""TextGrad imported without side effects: no log file, no cost-map download, and the SDKs it
imports for engines the package never uses (litellm, openai) loaded only when called.

Each check runs in a fresh interpreter: in a test worker, other tests may have imported
TextGrad or the SDKs already.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    import sys, types
    import promptbudget.textgrad_env
    assert not {"litellm", "openai"} & set(sys.modules), sorted(sys.modules)
    from textgrad.engine_experimental import litellm as textgrad_litellm, openai as textgrad_openai
    calls = []
    for package, name in (("litellm", "completion"), ("openai", "OpenAI")):
        fake = types.ModuleType(package)
        setattr(fake, name, lambda *args, package=package, **kwargs: calls.append((package, kwargs)) or package)
        sys.modules[package] = fake
    replies = [textgrad_litellm.completion(model="m"), textgrad_openai.OpenAI(api_key="k")]
    assert replies == ["litellm", "openai"] and calls == [("litellm", {"model": "m"}), ("openai", {"api_key": "k"})]
    del sys.modules["litellm"], sys.modules["openai"]
    import litellm, openai
    print(hasattr(litellm, "__file__"), callable(litellm.completion), hasattr(openai, "__file__"),
          isinstance(openai.OpenAI, type))
""")


def test_textgrads_sdk_names_reach_the_real_sdks_only_when_called_and_write_nothing(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True"] * 4
    assert list(tmp_path.iterdir()) == []  # no ./logs/ folder, no log file


def test_an_sdk_loaded_before_textgrad_is_the_one_textgrad_uses(tmp_path):
    probe = ("import openai, promptbudget.textgrad_env\n"
             "from textgrad.engine_experimental import openai as t\n"
             "print(t.OpenAI is openai.OpenAI)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True"]
