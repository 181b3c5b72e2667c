"""Keep MediaPipe's and TensorFlow Lite's start-up chatter off the host's terminal.

The native libraries log straight to file descriptor 2 (absl/glog lines such as
`W0000 00:00:… face_landmarker_graph.cc:181] …`, and TFLite's `INFO: Created TensorFlow Lite
XNNPACK delegate for CPU.`); no environment variable of theirs turns that off in MediaPipe 1.x.
So unless `--verbose` is given, fd 2 becomes a pipe read by a small thread that drops those
informational lines and passes everything else through: native errors (E…/F… lines) and any other
output still reach the terminal. Python's own `sys.stderr` is pointed at the real terminal
directly, so tracebacks and log messages never depend on that thread.
"""

from __future__ import annotations

import os
import re
import sys
import threading

CHATTER = re.compile(
    rb"^(?:[IW]\d{4} [\d:. ]+\s+\d+ [\w.+-]+:\d+\]"  # absl/glog INFO and WARNING lines
    rb"|INFO: Created TensorFlow Lite"  # TFLite delegate notice
    rb"|INFO: \[[\w.+-]+:\d+\]"  # LiteRT (TFLite's successor, hand/pose models): environment, accelerators
    rb"|WARNING: \[model_load\.cc:\d+\] Sparsity tensors"  # LiteRT on the hand model: informational
    rb"|WARNING: Read-only tensor #\d+ .* unaligned buffer"  # LiteRT copies the pose model's tensor: harmless
    rb"|WARNING: All log messages before absl::InitializeLog"
    rb"|WARNING: Logging before InitGoogle)"
)

_installed = False


def is_chatter(line: bytes) -> bool:
    return bool(CHATTER.match(line))


def _pump(read_fd: int, out_fd: int) -> None:
    buffer = b""
    while True:
        try:
            chunk = os.read(read_fd, 65536)
        except OSError:
            return
        if not chunk:
            if buffer and not is_chatter(buffer):
                os.write(out_fd, buffer)
            return
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        kept = b"".join(line + b"\n" for line in lines if not is_chatter(line))
        if kept:
            try:
                os.write(out_fd, kept)
            except OSError:
                return


def silence_native_chatter() -> bool:
    """Filter native informational lines out of fd 2 from now on; True if installed.

    Does nothing (False) when there is no usable stderr (a windowed build on Windows) or when
    already installed. Child processes inherit the filtered fd 2."""
    global _installed
    if _installed:
        return False
    try:
        sys.stderr.flush()
        real = os.dup(2)
        read_fd, write_fd = os.pipe()
    except (OSError, AttributeError, ValueError):
        return False
    os.dup2(write_fd, 2)
    os.close(write_fd)
    # Python writes to the terminal itself, not through the pipe (tracebacks at exit stay).
    sys.stderr = os.fdopen(os.dup(real), "w", buffering=1, encoding=getattr(sys.stderr, "encoding", None) or "utf-8",
                           errors="backslashreplace")
    threading.Thread(target=_pump, args=(read_fd, real), name="native-log-filter", daemon=True).start()
    _installed = True
    return True
