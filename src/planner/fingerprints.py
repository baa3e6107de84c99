"""Keyed fingerprints: stable ids of findings that do not give away the household behind them.

A finding's fingerprint (the rectification ledger's 问题编号, ``planner diff``'s identity, SARIF's
``partialFingerprints``) is a digest of its subject, code and member. Where a district numbers
households by the head's ID number, an unkeyed digest undoes the masking: the masked number
``522425**********1X`` leaves about 10⁸ candidates, which a laptop hashes in seconds and compares
with the ledger's hidden sheet. So the digest is keyed (BLAKE2b with a secret key): without the
key a fingerprint says nothing about the id; with the same key it is the same run after run.

The key, in this order:

1. ``PLANNER_FINGERPRINT_KEY`` — the key itself (any text, at least 16 characters);
2. ``PLANNER_FINGERPRINT_KEY_FILE`` — a file holding it;
3. ``$XDG_CONFIG_HOME/planner/fingerprint.key`` (``~/.config/planner/fingerprint.key``) — made
   with 32 random bytes, readable by its owner only, the first time a fingerprint is needed.

Offices that compare runs or exchange ledgers across machines share one key (copy the file, or
set the variable). :func:`key_id` names the key without revealing it; run manifests record it so
that two runs fingerprinted with different keys are told apart, never silently mismatched.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from functools import cache
from pathlib import Path

KEY_ENV = "PLANNER_FINGERPRINT_KEY"
KEY_FILE_ENV = "PLANNER_FINGERPRINT_KEY_FILE"
_MIN_KEY = 16
_LOG = logging.getLogger("planner")


def default_key_file() -> Path:
    """Where the key is kept when no variable names one (made on first use)."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "planner" / "fingerprint.key"


def _read_or_make(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:  # O_EXCL: of two processes making it at once, the second reads the first's key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


@cache
def fingerprint_key() -> bytes:
    """The key of this process's fingerprints (see the module's docstring for where it is read).

    A key that cannot be read or made (a read-only home) is replaced by a random one for this
    process, with a warning: fingerprints then differ from run to run.
    """
    given = os.environ.get(KEY_ENV)
    if given is not None:
        if len(given) < _MIN_KEY:
            raise ValueError(f"{KEY_ENV} 太短：至少 {_MIN_KEY} 个字符\n"
                             f"{KEY_ENV} is too short: at least {_MIN_KEY} characters")
        return given.encode("utf-8")
    path = Path(os.environ.get(KEY_FILE_ENV) or default_key_file())
    try:
        key = _read_or_make(path)
    except OSError as exc:
        _LOG.warning("无法读取或创建指纹密钥 %s（%s）：本次运行的问题编号与其他运行不同；"
                     "请设置 %s\ncannot read or make the fingerprint key %s (%s): this run's "
                     "finding ids differ from other runs'; set %s",
                     path, exc.strerror, KEY_ENV, path, exc.strerror, KEY_ENV)
        return secrets.token_bytes(32)
    if len(key) < _MIN_KEY:
        raise ValueError(f"指纹密钥文件 {path} 太短：至少 {_MIN_KEY} 字节\n"
                         f"fingerprint key file {path} is too short: at least {_MIN_KEY} bytes")
    return key


def keyed_digest(text: str, size: int) -> str:
    """The hex digest of ``text`` (``size`` bytes) under the fingerprint key."""
    key = fingerprint_key()
    # BLAKE2b takes a key of at most 64 bytes: a longer one is first hashed down to 64
    if len(key) > 64:
        key = hashlib.blake2b(key).digest()
    return hashlib.blake2b(text.encode("utf-8"), key=key, digest_size=size).hexdigest()


def key_id() -> str:
    """A short name of the key in force (a digest of it): equal ids, equal keys."""
    return hashlib.blake2b(b"planner fingerprint key id\x1f" + fingerprint_key(),
                           digest_size=4).hexdigest()


__all__ = ["KEY_ENV", "KEY_FILE_ENV", "default_key_file", "fingerprint_key", "key_id",
           "keyed_digest"]
