"""Check a GGUF weights file before a run relies on it: present, GGUF, and not cut short.

The header, metadata and tensor table are read (a few MiB at most, however large the file)
and the file's size is compared with the end of the last tensor the table describes, so a
half-downloaded model is refused as bad input instead of failing at its first call.
Layout: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from .errors import UsageError

MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
# Metadata value types: fixed-size scalars by struct format; 8 = string, 9 = array.
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9
# ggml tensor types: (elements per block, bytes per block), as in gguf-py's GGML_QUANT_SIZES.
_BLOCKS = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 36),
    10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292),
    16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18), 21: (256, 110), 22: (256, 82),
    23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8), 29: (256, 56), 30: (1, 2),
    34: (256, 54), 35: (256, 66), 39: (32, 17), 40: (64, 36), 41: (128, 18), 42: (64, 18),
}
_MAX_STRING = 1 << 24  # a longer metadata string means the file is not what its header says


class _Truncated(Exception):
    pass


class _Reader:
    def __init__(self, handle: BinaryIO):
        self.handle = handle

    def take(self, size: int) -> bytes:
        data = self.handle.read(size)
        if len(data) < size:
            raise _Truncated
        return data

    def unpack(self, fmt: str) -> int | float | bool:
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> bytes:
        length = int(self.unpack("Q"))
        if length > _MAX_STRING:
            raise ValueError(f"a metadata string claims {length} bytes")
        return self.take(length)

    def value(self, kind: int) -> object:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind, count = int(self.unpack("I")), int(self.unpack("Q"))
            if item_kind in _SCALARS:  # skip without building a list of a million token ids
                self.skip(struct.calcsize(_SCALARS[item_kind]) * count)
            else:
                for _ in range(count):
                    self.value(item_kind)
            return None
        raise ValueError(f"unknown metadata value type {kind}")

    def skip(self, size: int) -> None:
        self.handle.seek(size, 1)


def check_gguf(path: Path, flag: str = "--model") -> None:
    """Raise UsageError unless `path` is a complete GGUF file."""
    fix = f"{flag} local/PATH.gguf needs the path of a complete GGUF file"
    if not path.exists():
        raise UsageError(f"GGUF file not found: {path}; {fix}")
    if not path.is_file():
        raise UsageError(f"{path} is not a file; {fix}")
    size = path.stat().st_size
    try:
        with open(path, "rb") as handle:
            end = _data_end(_Reader(handle), size)
    except _Truncated:
        raise UsageError(f"{path} is truncated ({size} bytes, cut off inside its header); download it again ({fix})") from None
    except (ValueError, struct.error, OverflowError) as exc:
        raise UsageError(f"{path} is not a valid GGUF file ({exc}); {fix}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}; {fix}") from None
    if end > size:
        raise UsageError(f"{path} is truncated: its tensors end at byte {end} but the file has {size}; download it again ({fix})")


def _data_end(reader: _Reader, size: int) -> int:
    """The byte offset where the last tensor's data ends, from the header alone."""
    if reader.take(4) != MAGIC:
        raise ValueError("it does not start with the GGUF magic bytes")
    version = int(reader.unpack("I"))
    if version not in (2, 3):
        raise ValueError(f"unsupported GGUF version {version}")
    tensors, entries = int(reader.unpack("Q")), int(reader.unpack("Q"))
    if tensors > size or entries > size:
        raise ValueError("its header counts more entries than the file has bytes")
    alignment = DEFAULT_ALIGNMENT
    for _ in range(entries):
        key, kind = reader.string(), int(reader.unpack("I"))
        value = reader.value(kind)
        if key == b"general.alignment" and isinstance(value, int) and value > 0:
            alignment = value
    end = 0
    for _ in range(tensors):
        reader.string()
        dims = [int(reader.unpack("Q")) for _ in range(int(reader.unpack("I")))]
        kind, offset = int(reader.unpack("I")), int(reader.unpack("Q"))
        elements = 1
        for dim in dims:
            elements *= dim
        block, block_bytes = _BLOCKS.get(kind, (1, 0))  # an unknown type: only its offset is checked
        end = max(end, offset + elements // block * block_bytes)
    data_start = -(-reader.handle.tell() // alignment) * alignment
    return data_start + end if tensors else reader.handle.tell()
