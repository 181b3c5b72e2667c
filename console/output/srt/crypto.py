"""SRT passphrase encryption: the keying material the caller sends and the payload cipher.

The sender draws a random stream key (SEK) and salt. The key-encrypting key is
PBKDF2-HMAC-SHA1(passphrase, last 8 bytes of the salt, 2048 iterations); it wraps the SEK with
AES key wrap (RFC 3394) into a KM message carried by the handshake's KMREQ extension. Each
payload is AES-CTR with the SEK: the 128-bit counter block is the salt's first 112 bits XORed
with the packet's sequence number at bytes 10..13, and a 16-bit block counter from 0 in the last
two bytes. Only the even key is used: a push session stays far below the 2^25 packets after
which libsrt would rotate keys.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

SALT_LEN = 16
PBKDF2_SALT_LEN = 8
PBKDF2_ITERATIONS = 2048
KM_VERSION, KM_PT_KM, KM_SIGN = 1, 2, 0x2029  # 'HAI' as a PnP manufacturer id
CIPHER_AES_CTR, SE_TSSRT = 2, 2
EVEN_KEY = 1
KM_HEADER = struct.Struct(">BHBIBBBBHBB")


def kek(passphrase: str, salt: bytes, key_len: int) -> bytes:
    kdf = PBKDF2HMAC(hashes.SHA1(), length=key_len, salt=salt[-PBKDF2_SALT_LEN:], iterations=PBKDF2_ITERATIONS)
    return kdf.derive(passphrase.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class StreamKey:
    sek: bytes
    salt: bytes

    @classmethod
    def random(cls, key_len: int = 16) -> "StreamKey":
        if key_len not in (16, 24, 32):
            raise ValueError("pbkeylen must be 16, 24 or 32")
        return cls(os.urandom(key_len), os.urandom(SALT_LEN))

    def km_message(self, passphrase: str) -> bytes:
        """The KM message (network order) announcing this key, wrapped with the passphrase."""
        wrapped = aes_key_wrap(kek(passphrase, self.salt, len(self.sek)), self.sek)
        head = KM_HEADER.pack(KM_VERSION << 4 | KM_PT_KM, KM_SIGN, EVEN_KEY, 0, CIPHER_AES_CTR, 0, SE_TSSRT, 0,
                              0, len(self.salt) // 4, len(self.sek) // 4)
        return head + self.salt + wrapped

    def encrypt(self, seq: int, payload: bytes) -> bytes:
        """AES-CTR of one data packet's payload (decrypting is the same operation)."""
        block = bytearray(16)
        block[10:14] = struct.pack(">I", seq)
        for i in range(14):
            block[i] ^= self.salt[i]
        encryptor = Cipher(algorithms.AES(self.sek), modes.CTR(bytes(block))).encryptor()
        return encryptor.update(payload) + encryptor.finalize()


def parse_km_message(message: bytes, passphrase: str) -> StreamKey:
    """The stream key in a KM message (what a listener does; used by tests and to check a KMRSP).
    ValueError when the message is malformed; cryptography's InvalidUnwrap on a wrong passphrase."""
    if len(message) < KM_HEADER.size:
        raise ValueError("KM message too short")
    vpt, sign, flags, _keki, cipher, _auth, _se, _r1, _r2, slen4, klen4 = KM_HEADER.unpack_from(message)
    if vpt >> 4 != KM_VERSION or vpt & 0xF != KM_PT_KM or sign != KM_SIGN or cipher != CIPHER_AES_CTR:
        raise ValueError("not an AES-CTR SRT KM message")
    salt = message[KM_HEADER.size : KM_HEADER.size + slen4 * 4]
    wrapped = message[KM_HEADER.size + slen4 * 4 :]
    keys = 2 if flags & 3 == 3 else 1
    if len(salt) != slen4 * 4 or len(wrapped) != keys * klen4 * 4 + 8:
        raise ValueError("KM message lengths do not add up")
    sek = aes_key_unwrap(kek(passphrase, salt, klen4 * 4), wrapped)
    return StreamKey(sek[: klen4 * 4], salt)
