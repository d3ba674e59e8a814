"""Issue 20: what an attack on every command found, one regression test per finding.

Each test is named after what broke. Servers are real and on loopback: an Oxigraph server
for push, and tiny HTTP servers written here (one that trickles its answer one byte per
second, one that echoes the Authorization header, one that answers nonsense).
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from treatykg.errors import OutputError
from treatykg.output import plain_text, terminal_safe, write_atomic

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib internals

CORPUS = Path(__file__).resolve().parent / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("TREATYKG_USER", "TREATYKG_PASSWORD", "TREATYKG_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


# ---------------------------------------------------------------- 6. -o
def test_output_refuses_a_device_node(tmp_path):
    with pytest.raises(OutputError, match="character device, not a regular file"):
        write_atomic("/dev/null", b"x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_refuses_a_fifo_and_a_folder(tmp_path, run_main):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, out, err = run_main("convert", SEED, "-o", fifo)
    assert code == 5 and "FIFO" in err and "treatykg replaces only regular files" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    code, _, err = run_main("extract", SEED, "-o", tmp_path)
    assert code == 5 and "is a folder" in err


def test_output_writes_through_a_symlink_and_keeps_it(tmp_path):
    real = tmp_path / "data" / "real.ttl"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.ttl"]   # no .part left


def test_output_refuses_a_symlink_to_a_device_or_to_nothing(tmp_path):
    (tmp_path / "null").symlink_to("/dev/null")
    with pytest.raises(OutputError, match="character device"):
        write_atomic(tmp_path / "null", b"x")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere" / "x")
    with pytest.raises(OutputError, match="symbolic link to a file that does not exist"):
        write_atomic(tmp_path / "dangling", b"x")
    assert (tmp_path / "dangling").is_symlink()


def test_output_files_get_the_umask_mode_not_0600(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.ttl", b"x")
        assert stat.S_IMODE(os.stat(tmp_path / "a.ttl").st_mode) == 0o640
        os.umask(0o022)
        write_atomic(tmp_path / "b.ttl", b"x")
        assert stat.S_IMODE(os.stat(tmp_path / "b.ttl").st_mode) == 0o644
    finally:
        os.umask(old)
    (tmp_path / "c.ttl").write_bytes(b"old")
    os.chmod(tmp_path / "c.ttl", 0o604)
    write_atomic(tmp_path / "c.ttl", b"new")   # a replaced file keeps its mode
    assert stat.S_IMODE(os.stat(tmp_path / "c.ttl").st_mode) == 0o604


def test_a_full_disk_on_standard_output_is_exit_5(tmp_path):
    import subprocess

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    treatykg = Path(sys.executable).with_name("treatykg")
    with open("/dev/full", "wb") as full:
        r = subprocess.run([str(treatykg), "extract", str(SEED)], stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=120)
    assert r.returncode == 5, r.stderr
    assert r.stderr.strip() == "treatykg: error: cannot write the output: No space left on device"


# ---------------------------------------------------------------- 4, 11. markup and control characters
def test_terminal_safe_shows_control_characters_as_escapes():
    assert terminal_safe("a\x1b]0;pwned\x07b\rc\u202ed") == "a\\x1b]0;pwned\\x07b\\rc\\u202ed"
    assert terminal_safe("x\ny") == "x\\ny" and terminal_safe("x\ny", newlines=True) == "x\ny"
    assert terminal_safe("\x9b31m") == "\\x9b31m"     # the one-byte CSI of C1
    assert plain_text("[/x] [red]y").plain == "[/x] [red]y"
