"""Import TextGrad without its side effects.

TextGrad 0.1.8 imports litellm, which tries to download a model cost map, and at import time
creates a log folder (`./logs/` by default) and opens a timestamped JSONL log file in it.
Here the cost map download is switched off, the folder is the temp folder while TextGrad is
imported (it exists, so nothing is created) and the file is never opened: every invocation, `--help` and
bad input included, writes nothing until a run points the log at its run directory.

TextGrad's import also loads two SDKs for engines this package never uses: litellm (for
`from litellm import completion`) and openai (for `from openai import OpenAI`), about 3.7 and
0.8 of its 4.5 s here. While TextGrad is imported, each of them that is not loaded yet is a
stand-in module whose names import the real package on first call; the stand-ins are then
removed, so a later `import litellm` or `import openai` gets the real package.
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


_DEFERRED = {"litellm": ("completion",), "openai": ("OpenAI",)}
"""The SDKs TextGrad imports at import time, and the names it takes from them."""


def _forward(package: str, name: str):
    def call(*args, **kwargs):
        import importlib

        return getattr(importlib.import_module(package), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{package}.{name}, imported on first call."
    return call


def _stand_in(package: str, names: tuple[str, ...]) -> types.ModuleType:
    module = types.ModuleType(package, f"promptbudget's stand-in for {package} while TextGrad is imported")
    for name in names:
        setattr(module, name, _forward(package, name))
    return module


# TextGrad reads its log folder once, at import; runs send its log to their own folder instead.
_file_handler, logging.FileHandler = logging.FileHandler, _UnopenedFileHandler
_log_dir, os.environ["TEXTGRAD_LOG_DIR"] = os.environ.get("TEXTGRAD_LOG_DIR"), tempfile.gettempdir()
_stand_ins = {package: sys.modules.setdefault(package, _stand_in(package, names))
              for package, names in _DEFERRED.items() if package not in sys.modules}
try:
    import textgrad
    from textgrad.engine import EngineLM
finally:
    for _package, _module in _stand_ins.items():
        if sys.modules.get(_package) is _module:
            del sys.modules[_package]
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
