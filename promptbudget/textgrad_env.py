"""Import TextGrad without its side effects.

TextGrad 0.1.8 imports litellm, which tries to download a model cost map, and at import time
creates a log folder (`./logs/` by default) and opens a timestamped JSONL log file in it.
Here the cost map download is switched off, the folder is the temp folder while TextGrad is
imported (it exists, so nothing is created) and the file is never opened: every invocation, `--help` and
bad input included, writes nothing until a run points the log at its run directory.

TextGrad imports litellm only for `from litellm import completion` in an engine this package
never uses, and litellm's import is most of TextGrad's (about 3.7 of 4.5 s here). While
TextGrad is imported, `litellm` is a stand-in whose `completion` imports the real litellm on
first call; the stand-in is then removed, so a later `import litellm` gets the real package.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import types
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


class _UnopenedFileHandler(logging.FileHandler):
    """A FileHandler that opens its file only when a record is written (TextGrad's import handler)."""

    def __init__(self, filename, mode="a", encoding=None, delay=False, errors=None):
        super().__init__(filename, mode, encoding, delay=True, errors=errors)


def _litellm_completion(*args, **kwargs):
    """litellm.completion, imported on first call (TextGrad's LiteLLMEngine is its only user)."""
    import litellm

    return litellm.completion(*args, **kwargs)


def _litellm_stand_in() -> types.ModuleType:
    module = types.ModuleType("litellm", "promptbudget's stand-in for litellm while TextGrad is imported")
    module.completion = _litellm_completion  # type: ignore[attr-defined]
    return module


# TextGrad reads its log folder once, at import; runs send its log to their own folder instead.
_file_handler, logging.FileHandler = logging.FileHandler, _UnopenedFileHandler
_log_dir, os.environ["TEXTGRAD_LOG_DIR"] = os.environ.get("TEXTGRAD_LOG_DIR"), tempfile.gettempdir()
_stand_in = None if "litellm" in sys.modules else sys.modules.setdefault("litellm", _litellm_stand_in())
try:
    import textgrad
    from textgrad.engine import EngineLM
finally:
    if _stand_in is not None and sys.modules.get("litellm") is _stand_in:
        del sys.modules["litellm"]
    logging.FileHandler = _file_handler
    if _log_dir is None:
        del os.environ["TEXTGRAD_LOG_DIR"]
    else:
        os.environ["TEXTGRAD_LOG_DIR"] = _log_dir

__all__ = ["EngineLM", "point_textgrad_log", "textgrad"]


def point_textgrad_log(path: str | os.PathLike | None) -> None:
    """Send TextGrad's own JSONL log to `path` (None: drop it)."""
    logger = logging.getLogger("textgrad")
    for handler in list(logger.handlers):
        if isinstance(handler, logging.FileHandler):
            logger.removeHandler(handler)
            handler.close()
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path)
        handler.setFormatter(textgrad.cf)
        logger.addHandler(handler)
    logger.propagate = False


point_textgrad_log(None)
