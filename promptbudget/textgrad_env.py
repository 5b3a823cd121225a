"""Import TextGrad without its side effects.

TextGrad 0.1.8 imports litellm, which tries to download a model cost map, and at import time
creates a log folder (`./logs/` by default) and opens a timestamped JSONL log file in it.
Here the cost map download is switched off, the folder defaults to the temp folder (which
exists, so nothing is created) and the file is never opened: every invocation, `--help` and
bad input included, writes nothing until a run points the log at its run directory.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("TEXTGRAD_LOG_DIR", tempfile.gettempdir())


class _UnopenedFileHandler(logging.FileHandler):
    """A FileHandler that opens its file only when a record is written (TextGrad's import handler)."""

    def __init__(self, filename, mode="a", encoding=None, delay=False, errors=None):  # noqa: ANN001
        super().__init__(filename, mode, encoding, delay=True, errors=errors)


_file_handler, logging.FileHandler = logging.FileHandler, _UnopenedFileHandler
try:
    import textgrad  # noqa: E402
    from textgrad.engine import EngineLM  # noqa: E402
finally:
    logging.FileHandler = _file_handler

__all__ = ["textgrad", "EngineLM", "point_textgrad_log"]


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
