"""File-name fragments for task names and model specs, shared by every command's default output path.

One function, so the output names of budget-sweep, confidence-split and the report come from one
rule; its parameters keep each caller's established names (tests pin them).
"""

from __future__ import annotations

import re
from pathlib import Path

UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_SPEC_PREFIXES = {"jsonl:": "", "prompts:": "", "mock:": "mock-", "local/": "local-"}


def slug(text: str, *, limit: int | None = 40, shorten: bool = True, strip: str = "-",
         fallback: str = "x") -> str:
    """``text`` with every run of characters unsafe in a file name turned into one "-".

    ``shorten`` first reduces a task or model spec to what names it: "jsonl:/a/items.jsonl::number"
    to "items-number", "local/models/x.gguf" to "local-x", "anthropic/qwen2.5:7b" to "qwen2.5-7b".
    The result is stripped of ``strip`` characters at both ends, ``fallback`` when nothing is left,
    and keeps its last ``limit`` characters (all of them when ``limit`` is None).
    """
    if shorten:
        text = _spec_name(text)
    safe = UNSAFE.sub("-", text).strip(strip) or fallback
    return safe if limit is None else safe[-limit:]


def _spec_name(text: str) -> str:
    head = ""
    for prefix, replacement in _SPEC_PREFIXES.items():
        if text.startswith(prefix):
            head, text = replacement, text[len(prefix):]
            break
    path, sep, scorer = text.partition("::")
    suffix = f"-{scorer}" if sep else ""
    if path.endswith((".json", ".jsonl", ".gguf")):
        text = Path(path).stem + suffix
    elif "/" in path:
        # a model name such as anthropic/qwen2.5:7b keeps its dots (Path.stem would cut ".5:7b")
        text = path.rstrip("/").rsplit("/", 1)[-1] + suffix
    return head + text
