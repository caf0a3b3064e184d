"""Signed notes (C2SP signed-note), checkpoints (C2SP tlog-checkpoint) and Ed25519 witness
cosignatures (C2SP tlog-cosignature, cosignature/v1).

A note is UTF-8 text ending in a newline, a blank line, then one or more signature lines
"— <key name> <base64(4-byte key ID || signature)>". The log signs its checkpoint with an
Ed25519 key (signature type 0x01); a witness adds a cosignature (type 0x04) over
"cosignature/v1\\ntime <seconds>\\n" + the checkpoint, prefixed by that timestamp.
Keys are exchanged as the spec's text forms ("vkeys"): <name>+<hex key ID>+<base64(type || key)>,
and PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)> for signing keys.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01  # a log's note signature (signed-note, "Ed25519 signatures")
COSIGNATURE_V1 = 0x04  # a witness's timestamped Ed25519 cosignature (tlog-cosignature)
SIGNATURE_TYPES = (ED25519, COSIGNATURE_V1)
# signed-note: verifiers SHOULD bound the signatures and MUST accept 16; the Go reference
# implementation accepts 100.
MAX_SIGNATURES = 100

_SIGNATURE_PREFIX = "— "  # em dash U+2014, space
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_KEY_ID_SIZE = 4
_ED25519_KEY_SIZE = 32
_ED25519_SIGNATURE_SIZE = 64
_TIMESTAMP_SIZE = 8
_MAX_TIMESTAMP = 2**63 - 1  # tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1
_MAX_TREE_SIZE = 2**64 - 1
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")  # signed-note forbids all but the newline
_DECIMAL = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_HEX_KEY_ID = re.compile(r"[0-9a-fA-F]{8}", re.ASCII)


class NoteError(ValueError):
    """A malformed note, key or checkpoint."""


class SignatureError(NoteError):
    """A note no trusted key has signed, or with a trusted key's signature that is wrong."""


def key_id(name: str, signature_type: int, public_key: bytes) -> bytes:
    """SHA-256(key name || 0x0A || signature type || public key)[:4] (signed-note)."""
    return sha256(name.encode() + b"\n" + bytes([signature_type]) + public_key).digest()[
        :_KEY_ID_SIZE
    ]


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: header line, timestamp line, then the checkpoint."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def _check_key_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name) or _CONTROL.search(name):
        raise NoteError(f"a key name is non-empty, without spaces or '+': {name!r}")


def _check_signature_type(signature_type: int) -> None:
    if signature_type not in SIGNATURE_TYPES:
        raise NoteError(f"unsupported signature type {signature_type:#04x}")


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    if _CONTROL.search(text):
        raise NoteError("a note holds no control characters other than newline")


def _decode_base64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise NoteError(f"{what} is not standard base64: {error}") from None


def _encode_base64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _split_key_text(text: str) -> tuple[str, str, bytes]:
    """name+hex key ID+base64 key: split at the first two '+', which names and IDs lack."""
    name, _, rest = text.partition("+")
    hex_id, separator, encoded = rest.partition("+")
    if not separator:
        raise NoteError("a key reads <name>+<hex key ID>+<base64 key>")
    _check_key_name(name)
    if not _HEX_KEY_ID.fullmatch(hex_id):
        raise NoteError(f"a key ID is 8 hexadecimal digits, got {hex_id!r}")
    return name, hex_id.lower(), _decode_base64(encoded, "the key")


@dataclass(frozen=True)
class VerifierKey:
    """A public key trusted to sign (type 0x01) or cosign (type 0x04) notes."""

    name: str
    signature_type: int
    public_key: bytes

    def __post_init__(self) -> None:
        _check_key_name(self.name)
        _check_signature_type(self.signature_type)
        if len(self.public_key) != _ED25519_KEY_SIZE:
            raise NoteError(f"an Ed25519 public key is {_ED25519_KEY_SIZE} bytes")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.signature_type, self.public_key)

    def text(self) -> str:
        """The vkey form, as witnesses and logs configure each other's keys."""
        encoded = _encode_base64(bytes([self.signature_type]) + self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def check(self, text: str, value: bytes) -> int | None:
        """Raise SignatureError unless value signs text; a cosignature's timestamp, else None."""
        public_key = Ed25519PublicKey.from_public_bytes(self.public_key)
        timestamp = None
        message = text.encode()
        if self.signature_type == COSIGNATURE_V1:
            if len(value) != _TIMESTAMP_SIZE + _ED25519_SIGNATURE_SIZE:
                raise SignatureError(f"the cosignature by {self.name} has the wrong length")
            timestamp = int.from_bytes(value[:_TIMESTAMP_SIZE], "big")
            if timestamp > _MAX_TIMESTAMP:
                raise SignatureError(f"the cosignature by {self.name} has no valid timestamp")
            message = cosigned_message(text, timestamp)
            value = value[_TIMESTAMP_SIZE:]
        try:
            public_key.verify(value, message)
        except InvalidSignature:
            raise SignatureError(f"the signature by {self.name} does not verify") from None
        return timestamp


def parse_verifier_key(text: str) -> VerifierKey:
    name, hex_id, raw = _split_key_text(text)
    if len(raw) != 1 + _ED25519_KEY_SIZE:
        raise NoteError("a verifier key is a type byte and a 32-byte Ed25519 public key")
    key = VerifierKey(name, raw[0], raw[1:])
    if key.key_id.hex() != hex_id:
        raise NoteError(f"the key ID {hex_id} does not match the key of {name}")
    return key


@dataclass(frozen=True, eq=False)
class SignerKey:
    """A private key that signs (type 0x01) or cosigns (type 0x04) notes."""

    name: str
    signature_type: int
    private_key: Ed25519PrivateKey = field(repr=False)

    def __post_init__(self) -> None:
        _check_key_name(self.name)
        _check_signature_type(self.signature_type)

    @classmethod
    def generate(cls, name: str, signature_type: int = ED25519) -> SignerKey:
        return cls(name, signature_type, Ed25519PrivateKey.generate())

    def verifier_key(self) -> VerifierKey:
        public_key = self.private_key.public_key().public_bytes_raw()
        return VerifierKey(self.name, self.signature_type, public_key)

    def text(self) -> str:
        """The PRIVATE+KEY form, to keep the key in a secret store."""
        seed = self.private_key.private_bytes_raw()
        encoded = _encode_base64(bytes([self.signature_type]) + seed)
        return f"{_PRIVATE_PREFIX}{self.name}+{self.verifier_key().key_id.hex()}+{encoded}"

    def sign(self, text: str, *, timestamp: int | None = None) -> Signature:
        """Sign a note's text; a cosignature also states the time it was made (seconds)."""
        _check_text(text)
        own_id = self.verifier_key().key_id
        if self.signature_type == ED25519:
            if timestamp is not None:
                raise ValueError("an Ed25519 note signature carries no timestamp")
            return Signature(self.name, own_id, self.private_key.sign(text.encode()))
        if timestamp is None or not 0 <= timestamp <= _MAX_TIMESTAMP:
            raise ValueError(f"a cosignature needs a timestamp in [0, 2^63 - 1], got {timestamp}")
        signature = self.private_key.sign(cosigned_message(text, timestamp))
        return Signature(self.name, own_id, timestamp.to_bytes(_TIMESTAMP_SIZE, "big") + signature)


def parse_signer_key(text: str) -> SignerKey:
    if not text.startswith(_PRIVATE_PREFIX):
        raise NoteError(f"a signer key starts with {_PRIVATE_PREFIX}")
    name, hex_id, raw = _split_key_text(text.removeprefix(_PRIVATE_PREFIX))
    if len(raw) != 1 + _ED25519_KEY_SIZE:
        raise NoteError("a signer key is a type byte and a 32-byte Ed25519 seed")
    key = SignerKey(name, raw[0], Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if key.verifier_key().key_id.hex() != hex_id:
        raise NoteError(f"the key ID {hex_id} does not match the key of {name}")
    return key


@dataclass(frozen=True)
class Signature:
    """One signature line: who signed (name and key ID) and the signature bytes after the ID."""

    name: str
    key_id: bytes
    value: bytes

    def line(self) -> str:
        return f"{_SIGNATURE_PREFIX}{self.name} {_encode_base64(self.key_id + self.value)}\n"


@dataclass(frozen=True)
class VerifiedSignature:
    key: VerifierKey
    timestamp: int | None  # a cosignature's time (POSIX seconds); None for a note signature


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...] = ()

    def __post_init__(self) -> None:
        _check_text(self.text)

    def signed(self, key: SignerKey, *, timestamp: int | None = None) -> Note:
        """This note with one more signature (a cosignature needs its timestamp)."""
        signature = key.sign(self.text, timestamp=timestamp)
        return Note(self.text, (*self.signatures, signature))

    def format(self) -> str:
        if not self.signatures:
            raise NoteError("a signed note has at least one signature")
        return self.text + "\n" + "".join(signature.line() for signature in self.signatures)


def parse_note(data: bytes | str) -> Note:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("a note is valid UTF-8") from None
    _check_text(data)
    # The text ends at the last blank line: signature lines are never empty.
    split = data.rfind("\n\n")
    if split < 0:
        raise NoteError("a note separates its text from its signatures by a blank line")
    text, lines = data[: split + 1], data[split + 2 :].split("\n")[:-1]
    if not lines:
        raise NoteError("a signed note has at least one signature")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note has at most {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(_SIGNATURE_PREFIX):
            raise NoteError(f"a signature line starts with an em dash and a space: {line!r}")
        name, _, encoded = line.removeprefix(_SIGNATURE_PREFIX).partition(" ")
        _check_key_name(name)
        raw = _decode_base64(encoded, f"the signature by {name}")
        if len(raw) <= _KEY_ID_SIZE:
            raise NoteError(f"the signature by {name} is a key ID and signature bytes")
        signatures.append(Signature(name, raw[:_KEY_ID_SIZE], raw[_KEY_ID_SIZE:]))
    return Note(text, tuple(signatures))


def verify_note(note: Note, keys: Iterable[VerifierKey]) -> tuple[VerifiedSignature, ...]:
    """The note's signatures by known keys, all checked.

    Per signed-note: a signature whose (name, key ID) is unknown is ignored; a known key's bad
    signature rejects the whole note; so does a note no known key signed.
    """
    known: dict[tuple[str, bytes], VerifierKey] = {}
    for key in keys:
        if known.setdefault((key.name, key.key_id), key) != key:
            raise NoteError(f"two keys of {key.name} share the key ID {key.key_id.hex()}")
    verified = []
    for signature in note.signatures:
        signer = known.get((signature.name, signature.key_id))
        if signer is not None:
            timestamp = signer.check(note.text, signature.value)
            verified.append(VerifiedSignature(signer, timestamp))
    if not verified:
        raise SignatureError("no trusted key signed the note")
    return tuple(verified)


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head as note text: origin, tree size, root hash, extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin or _CONTROL.search(self.origin):
            raise NoteError("a checkpoint's origin is one non-empty line")
        if not 0 <= self.size <= _MAX_TREE_SIZE:
            raise NoteError(f"a tree size is a 64-bit unsigned number, got {self.size}")
        if len(self.root_hash) != 32:
            raise NoteError("a checkpoint's root hash is a 32-byte SHA-256 hash")
        for line in self.extensions:
            if not line or "\n" in line or _CONTROL.search(line):
                raise NoteError("a checkpoint's extension lines are non-empty single lines")

    def text(self) -> str:
        lines = [self.origin, str(self.size), _encode_base64(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    _check_text(text)
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("a checkpoint has three lines at least: origin, tree size, root hash")
    origin, size, root, *extensions = lines
    if not _DECIMAL.fullmatch(size):
        raise NoteError(f"a checkpoint's size is a decimal without leading zeros, got {size!r}")
    root_hash = _decode_base64(root, "the checkpoint's root hash")
    if _encode_base64(root_hash) != root:
        raise NoteError("the checkpoint's root hash is not in canonical base64")
    return Checkpoint(origin, int(size), root_hash, tuple(extensions))
