"""An SRT caller for the push output, in Python on a UDP socket.

PyAV's FFmpeg is built without libsrt, so `srt://` destinations are sent by this package: the
program is muxed into MPEG-TS by PyAV and cut into 1316-byte payloads (7 TS packets, SRT's live
payload) that `SrtCaller` sends in live mode — HSv5 caller handshake with stream id and
optional passphrase encryption, ACK/ACKACK, NAK-driven retransmission from a bounded send buffer,
too-late drop, keepalives, shutdown. Wire formats follow the SRT Internet-Draft
(draft-sharabayko-srt) and Haivision's reference implementation; tests run against real libsrt
(srt-live-transmit, FFmpeg) on 127.0.0.1.

    packets.py    header, control and handshake encode/decode (pure)
    crypto.py     keying material (PBKDF2 + AES key wrap) and AES-CTR payloads
    handshake.py  induction → conclusion, rejections in words
    caller.py     the connected sender: send buffer, ACK/NAK, keepalive, drop, shutdown
"""

from .caller import SrtCaller, SrtOptions
from .handshake import SrtConnectionLost, SrtError, SrtNoAnswer, SrtRejected

__all__ = ["SrtCaller", "SrtOptions", "SrtError", "SrtRejected", "SrtNoAnswer", "SrtConnectionLost"]
