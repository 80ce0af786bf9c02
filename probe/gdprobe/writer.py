"""The run log: JSON Lines, one header line, then one object per logged optimizer step.

NaN and ±∞ are written as the strings "NaN", "Infinity", "-Infinity" (JSON has no literal for them;
the Gradient Debugger CLI and extension read them back as numbers). The header line is padded with
spaces so it can be rewritten in place when `every` changes, without moving the steps after it.
"""
import json
import math
import os

#: The log's format marker and version: readers refuse other versions with a clear message.
FORMAT = "gradient-debugger-run"
FORMAT_VERSION = 1
#: Room left in the header line for later changes (each `every` doubling adds about 30 bytes).
HEADER_RESERVE = 2048


def wire(value):
    """`value` with every non-finite float replaced by its string form, ready for strict JSON."""
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire(v) for v in value]
    return value


def dumps(value) -> str:
    """One compact, strict JSON line (no newline)."""
    return json.dumps(wire(value), allow_nan=False, separators=(",", ":"))


class RunWriter:
    """Appends step lines to a log whose first line is a header that may be rewritten in place."""

    def __init__(self, path: str, header: dict):
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        self.path = path
        self.file = open(path, "wb")
        text = dumps(header)
        self.header_width = len(text) + HEADER_RESERVE
        self.file.write(text.ljust(self.header_width).encode("ascii") + b"\n")
        self.file.flush()

    def rewrite_header(self, header: dict) -> bool:
        """Writes the header again over the first line; False when it no longer fits its reserved width."""
        text = dumps(header)
        if len(text) > self.header_width:
            return False
        end = self.file.tell()
        self.file.seek(0)
        self.file.write(text.ljust(self.header_width).encode("ascii"))
        self.file.seek(end)
        self.file.flush()
        return True

    def write(self, record: dict) -> None:
        """Appends one step and flushes, so a reader tailing the file sees whole lines."""
        self.file.write(dumps(record).encode("ascii") + b"\n")
        self.file.flush()

    def close(self) -> None:
        """Closes the file."""
        if not self.file.closed:
            self.file.close()
