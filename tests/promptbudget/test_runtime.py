"""Bad paths are bad input for every command: exit 2, one message naming the fix, nothing written."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from promptbudget.cli import main

COMMANDS = {
    "optimize": ["optimize", "--model", "mock", "--max_epochs", "1", "--quiet"],
    "sweep": ["sweep", "--model", "mock", "--configs", "0.5,0.5", "--max_epochs", "1", "--quiet"],
    "budget-sweep": ["budget-sweep", "--task", "GSM8K_DSPy", "--model", "mock", "--budgets", "0", "1024",
                     "--samples", "4", "--quiet"],
    "confidence-split": ["confidence-split", "--model", "mock", "--total_budget", "1024", "--samples", "4",
                         "--quiet"],
}
OUTPUT_DIR_COMMANDS = ("optimize", "sweep")


def snapshot(*folders: Path) -> set[Path]:
    return {path for folder in folders for path in folder.rglob("*")}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "afile").write_text("not a folder")
    (work / "adir").mkdir()
    monkeypatch.chdir(work)
    return work


def exits_2_writing_nothing(argv, workdir, capsys, message):
    home = Path(os.environ["HOME"])
    before = snapshot(workdir, home)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and message in err, err
    assert snapshot(workdir, home) == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("flags, message", [
    (["--cache_dir", "afile"], "--cache_dir afile is a file; give a directory path"),
    (["--cache_dir", "afile/cache"], "--cache_dir afile/cache: afile is a file, not a directory"),
    (["--prices", "adir"], "--prices adir is a directory; give the path of a file"),
])
def test_a_bad_cache_dir_or_prices_path_is_bad_input_for_every_command(command, flags, message, workdir, capsys):
    exits_2_writing_nothing([*COMMANDS[command], *flags], workdir, capsys, message)


@pytest.mark.parametrize("command", OUTPUT_DIR_COMMANDS)
@pytest.mark.parametrize("flags, message", [
    (["--output_dir", "afile"], "--output_dir afile is a file; give a directory path"),
    (["--output_dir", "afile/runs"], "--output_dir afile/runs: afile is a file, not a directory"),
])
def test_an_output_dir_that_is_a_file_is_bad_input(command, flags, message, workdir, capsys):
    exits_2_writing_nothing([*COMMANDS[command], *flags], workdir, capsys, message)


@pytest.mark.parametrize("command, flag", [("optimize", "--output_dir"), ("sweep", "--output_dir"),
                                           ("optimize", "--cache_dir"), ("confidence-split", "--cache_dir")])
def test_a_folder_that_cannot_be_written_is_bad_input(command, flag, workdir, capsys, monkeypatch):
    # Tests run as root, for whom every mode bit allows writing: the permission answer is simulated.
    locked = (workdir / "adir").resolve()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path).resolve() != locked
                        and real_access(path, mode, **kw))
    exits_2_writing_nothing([*COMMANDS[command], flag, "adir/sub"], workdir, capsys,
                            f"{flag} adir/sub: cannot write in adir; give a directory path you can write to")


def gguf_bytes(tensor_elements: int = 64) -> bytes:
    """A minimal GGUF v3 file: one metadata string and one F32 tensor."""
    def string(text: str) -> bytes:
        return struct.pack("<Q", len(text)) + text.encode()

    header = b"GGUF" + struct.pack("<IQQ", 3, 1, 1)
    metadata = string("general.architecture") + struct.pack("<I", 8) + string("llama")
    tensor = string("token_embd.weight") + struct.pack("<I", 1) + struct.pack("<Q", tensor_elements) \
        + struct.pack("<IQ", 0, 0)
    head = header + metadata + tensor
    padding = b"\0" * (-len(head) % 32)
    return head + padding + b"\0" * (4 * tensor_elements)


@pytest.mark.parametrize("content, message", [
    (None, "GGUF file not found: model.gguf"),
    (b"<html>404 Not Found</html>", "model.gguf is not a valid GGUF file (it does not start with the GGUF magic"),
    (gguf_bytes()[:40], "model.gguf is truncated (40 bytes, cut off inside its header); download it again"),
    (gguf_bytes()[:-4], "model.gguf is truncated: its tensors end at byte"),
], ids=["missing", "not-gguf", "cut-in-header", "cut-in-data"])
@pytest.mark.parametrize("command", ["optimize", "budget-sweep", "confidence-split"])
def test_a_missing_corrupt_or_truncated_gguf_is_bad_input(command, content, message, workdir, capsys):
    if content is not None:
        (workdir / "model.gguf").write_bytes(content)
    argv = [*COMMANDS[command], "--model", "local/model.gguf", "--cache_dir", "cache", "--output" if command !=
            "optimize" else "--output_dir", "out.json" if command != "optimize" else "out"]
    exits_2_writing_nothing(argv, workdir, capsys, message)


def test_a_complete_gguf_passes_the_check(tmp_path):
    from promptbudget.gguf_file import check_gguf

    path = tmp_path / "model.gguf"
    path.write_bytes(gguf_bytes())
    check_gguf(path)  # raises UsageError when the file is refused
    path.write_bytes(gguf_bytes() + b"trailing bytes are harmless")
    check_gguf(path)
