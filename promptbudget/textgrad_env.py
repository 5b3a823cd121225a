"""Import TextGrad without its side effects.

TextGrad 0.1.8 imports litellm, which tries to download a model cost map, and at import time
creates a log folder (`./logs/` by default) and opens a timestamped JSONL log file in it.
Here the cost map download is switched off, the folder is the temp folder while TextGrad is
imported (it exists, so nothing is created) and the file is never opened: every invocation, `--help` and
bad input included, writes nothing until a run points the log at its run directory.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


class _UnopenedFileHandler(logging.FileHandler):
    """A FileHandler that opens its file only when a record is written (TextGrad's import handler)."""

    def __init__(self, filename, mode="a", encoding=None, delay=False, errors=None):
        super().__init__(filename, mode, encoding, delay=True, errors=errors)


# TextGrad reads its log folder once, at import; runs send its log to their own folder instead.
_file_handler, logging.FileHandler = logging.FileHandler, _UnopenedFileHandler
_log_dir, os.environ["TEXTGRAD_LOG_DIR"] = os.environ.get("TEXTGRAD_LOG_DIR"), tempfile.gettempdir()
try:
    import textgrad
    from textgrad.engine import EngineLM
finally:
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
