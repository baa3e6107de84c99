"""Keyed finding fingerprints: stable under one key, saying nothing about the id without it."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from planner import fingerprints
from planner.fingerprints import KEY_ENV, KEY_FILE_ENV, fingerprint_key, key_id
from planner.report.ledger import fingerprint
from planner.report.status import StatusFileError, read_ledger

from .test_ledger_import import first  # noqa: F401  (the module's ledger fixture)

ID_SUBJECT = "52242519800101001X"


@pytest.fixture
def fresh_key(monkeypatch: pytest.MonkeyPatch):
    """The key read again from the environment this test sets (and forgotten after it)."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    fingerprint_key.cache_clear()
    yield monkeypatch
    fingerprint_key.cache_clear()


def test_the_key_file_is_made_once_private_and_read_back(fresh_key, tmp_path: Path) -> None:
    fresh_key.setenv("XDG_CONFIG_HOME", str(tmp_path))
    made = fingerprint(ID_SUBJECT, "DQ001", None)
    path = tmp_path / "planner" / "fingerprint.key"
    assert len(path.read_bytes()) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    fingerprint_key.cache_clear()  # as a new process would
    assert fingerprint(ID_SUBJECT, "DQ001", None) == made
    # another process under the same file agrees
    code = ("from planner.report.ledger import fingerprint; "
            f"print(fingerprint({ID_SUBJECT!r}, 'DQ001', None))")
    env = {k: v for k, v in os.environ.items() if k != KEY_ENV} | {"XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=True)
    assert done.stdout.strip() == made


def test_without_the_key_the_id_cannot_be_tried(fresh_key) -> None:
    fresh_key.setenv(KEY_ENV, "office key one, long enough")
    one, one_id = fingerprint(ID_SUBJECT, "DQ001", None), key_id()
    unkeyed = hashlib.blake2b(f"{ID_SUBJECT}\x1fDQ001\x1f".encode(), digest_size=8).hexdigest()
    assert one != unkeyed
    fingerprint_key.cache_clear()
    fresh_key.setenv(KEY_ENV, "office key two, long enough")
    assert fingerprint(ID_SUBJECT, "DQ001", None) != one
    assert key_id() != one_id and len(one_id) == 8


def test_a_short_key_is_refused(fresh_key) -> None:
    fresh_key.setenv(KEY_ENV, "short")
    with pytest.raises(ValueError, match="至少 16"):
        fingerprint_key()


def test_an_unwritable_key_place_warns_and_uses_a_process_key(
        fresh_key, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    fresh_key.setenv(KEY_FILE_ENV, str(blocker / "fingerprint.key"))
    assert len(fingerprint_key()) == 32
    assert "无法读取或创建指纹密钥" in caplog.text
    assert not (blocker / "fingerprint.key").exists()


def test_a_ledger_written_under_another_key_is_refused(
        first: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    assert read_ledger(first).errors == []  # written and read under the suite's key
    monkeypatch.setenv(KEY_ENV, "another office's key, long enough")
    fingerprint_key.cache_clear()
    try:
        with pytest.raises(StatusFileError, match="另一把指纹密钥"):
            read_ledger(first)
    finally:
        monkeypatch.undo()
        fingerprint_key.cache_clear()


def test_the_module_says_where_the_key_lives() -> None:
    assert fingerprints.default_key_file().name == "fingerprint.key"
