"""Output directories: nothing the user owns is ever deleted or overwritten (linker.outdir, every command).

Each case runs through the CLI in a temporary directory and checks the sha256 of every file that must
survive. Interruptions and concurrent runs are made deterministic by ``LINKER_TEST_PAUSE=before-swap``:
the run stops after staging its files and before replacing the target, whatever the machine's speed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from linker.errors import InputError
from linker.outdir import (
    MANIFEST,
    OutputDir,
    Terminated,
    atomic_output,
    check_output_dir,
    install_signal_handlers,
    read_manifest,
    write_outputs,
)

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"


def linker(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "linker.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=300)


def hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (relative path -> digest)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A user's folder: the list, the registry and a notes file of their own."""
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(FIX / "ru" / "list.csv", d / "list.csv")
    shutil.copy(FIX / "ru" / "registry.csv", d / "registry.csv")
    (d / "notes.txt").write_text("my notes", encoding="utf-8")
    return d


# ------------------------------------------------------------------ through the CLI
@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
@pytest.mark.parametrize("case", ["out-is-the-folder", "out-is-dot", "out-is-an-ancestor", "dedupe-folder"])
def test_a_folder_holding_the_users_files_is_refused(folder: Path, case: str, force: list[str]) -> None:
    tmp = folder.parent
    before = hashes(tmp)
    if case == "out-is-the-folder":
        res = linker("match", "d/list.csv", "d/registry.csv", "--out", "d", "-q", *force, cwd=tmp)
        named = "d/list.csv"
    elif case == "out-is-dot":
        res = linker("match", "list.csv", "registry.csv", "--out", ".", "-q", *force, cwd=folder)
        named = "list.csv"
    elif case == "out-is-an-ancestor":
        res = linker("match", "d/list.csv", "d/registry.csv", "--out", str(tmp), "-q", *force, cwd=tmp)
        named = "d/list.csv"
    else:
        res = linker("dedupe", "d/list.csv", "--out", "d", "-q", *force, cwd=tmp)
        named = "d/list.csv"
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and named in lines[0], res.stderr
    assert "an input of this run" in lines[0] and "Traceback" not in res.stderr
    assert hashes(tmp) == before
    assert sorted(p.name for p in tmp.iterdir()) == ["d"]  # no temporary or lock left behind


def test_force_never_deletes_a_file_linker_did_not_write(folder: Path) -> None:
    tmp = folder.parent
    res = linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "-q", cwd=tmp)
    assert res.returncode == 0, res.stderr
    (tmp / "r" / "mine.txt").write_text("kept", encoding="utf-8")
    before = hashes(tmp)
    res = linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "-q", "--force", cwd=tmp)
    assert res.returncode == 2
    assert res.stderr.strip() == ("Error: r: holds r/mine.txt, which linker did not write; linker replaces only "
                                  "its own outputs: move it away, or choose another --out")
    assert hashes(tmp) == before


def test_force_replaces_linker_outputs_only_and_they_are_listed(folder: Path) -> None:
    tmp = folder.parent
    assert linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "-q", cwd=tmp).returncode == 0
    manifest = read_manifest(tmp / "r")
    assert manifest is not None and manifest["command"] == "match"
    assert manifest["files"] == ["matches.csv", "model.json", "report.html", "report.json", "timings.json"]
    res = linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "-q", cwd=tmp)
    assert res.returncode == 2
    assert res.stderr.strip() == "Error: r: output directory exists and is not empty; pass --force to replace it"
    users = hashes(folder)
    first = hashes(tmp / "r")
    res = linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "-q", "--force", cwd=tmp)
    assert res.returncode == 0, res.stderr
    assert hashes(folder) == users
    same = {k: v for k, v in first.items() if k != "timings.json"}
    assert {k: v for k, v in hashes(tmp / "r").items() if k != "timings.json"} == same


def test_labels_inside_the_output_are_an_input(folder: Path) -> None:
    tmp = folder.parent
    assert linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "-q", cwd=tmp).returncode == 0
    (tmp / "r" / "labels.csv").write_text("list_id,registry_id,label\n1,,no_match\n", encoding="utf-8")
    before = hashes(tmp)
    res = linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "-q", "--force", "--labels",
                 "r/labels.csv", cwd=tmp)
    assert res.returncode == 2 and "r/labels.csv, an input of this run" in res.stderr
    assert hashes(tmp) == before


def test_synth_never_overwrites_silently(tmp_path: Path) -> None:
    d = tmp_path / "s"
    d.mkdir()
    (d / "registry.csv").write_text("mine\n", encoding="utf-8")
    before = hashes(tmp_path)
    for extra in ([], ["--force"]):
        res = linker("synth", "--registry", "50", "--list", "10", "--out", "s", *extra, cwd=tmp_path)
        assert res.returncode == 2 and "s/registry.csv, which linker did not write" in res.stderr, res.stderr
        assert hashes(tmp_path) == before
    assert linker("synth", "--registry", "50", "--list", "10", "--out", "t", cwd=tmp_path).returncode == 0
    assert read_manifest(tmp_path / "t")["files"] == ["list.csv", "registry.csv", "truth.csv"]
    res = linker("synth", "--registry", "50", "--list", "10", "--out", "t", cwd=tmp_path)
    assert res.returncode == 2 and "pass --force" in res.stderr
    res = linker("synth", "--registry", "60", "--list", "10", "--out", "t", "--force", cwd=tmp_path)
    assert res.returncode == 0 and (tmp_path / "t" / "registry.csv").read_text().count("\n") == 61


def test_tune_redraw_goes_through_the_writer(folder: Path) -> None:
    tmp = folder.parent
    assert linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "-q", cwd=tmp).returncode == 0
    old = hashes(tmp / "r")
    res = linker("tune", "r", "--truth", str(FIX / "ru" / "truth.csv"), cwd=tmp)
    assert res.returncode == 0 and "measured curve drawn" in res.stderr, res.stderr
    new = hashes(tmp / "r")
    assert new["report.json"] != old["report.json"] and new["matches.csv"] == old["matches.csv"]
    assert sorted(read_manifest(tmp / "r")["files"]) == sorted(k for k in new if k != MANIFEST)
    # a folder holding the user's own file is left alone, and tune still prints its table
    (tmp / "r" / "truth.csv").write_bytes((FIX / "ru" / "truth.csv").read_bytes())
    before = hashes(tmp)
    res = linker("tune", "r", "--truth", "r/truth.csv", cwd=tmp)
    assert res.returncode == 0 and "measured curve not drawn" in res.stderr and "suggested:" in res.stdout
    assert hashes(tmp) == before


@pytest.mark.skipif(os.name != "posix", reason="signals")
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("command", ["match", "dedupe", "synth"])
def test_interrupted_run_leaves_output_as_it_was(folder: Path, sig: str, command: str) -> None:
    tmp = folder.parent
    args = {"match": ["match", "d/list.csv", "d/registry.csv", "-q"], "dedupe": ["dedupe", "d/list.csv", "-q"],
            "synth": ["synth", "--registry", "200", "--list", "20"]}[command]
    assert linker(*args, "--out", "r", cwd=tmp).returncode == 0          # a previous output
    before = hashes(tmp)
    proc = subprocess.Popen([sys.executable, "-m", "linker.cli", *args, "--out", "r", "--force"], cwd=tmp,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "LINKER_TEST_PAUSE": "before-swap"})
    assert proc.stderr is not None
    for line in proc.stderr:   # the new files are staged; the old ones are still in place
        if line.startswith("linker: paused before replacing"):
            break
    else:
        pytest.fail(f"the run never reached the pause: {proc.wait()}")
    assert len([p for p in tmp.iterdir() if p.name.startswith(".r.tmp-")]) == 1
    proc.send_signal(getattr(signal, sig))
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "Traceback" not in err, err
    assert hashes(tmp) == before
    assert sorted(p.name for p in tmp.iterdir()) == ["d", "r"]   # no temporary, no lock left behind


def test_a_second_run_on_the_same_output_is_refused(folder: Path) -> None:
    tmp = folder.parent
    assert linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "-q", cwd=tmp).returncode == 0
    before = hashes(tmp / "r")
    first = subprocess.Popen([sys.executable, "-m", "linker.cli", "match", "d/list.csv", "d/registry.csv", "--out",
                              "r", "--force", "-q", "--seed", "7"], cwd=tmp, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "LINKER_TEST_PAUSE": "before-swap"})
    assert first.stderr is not None
    assert first.stderr.readline().startswith("linker: paused before replacing")
    second = linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "--force", "-q", cwd=tmp)
    assert second.returncode == 2
    assert second.stderr.strip() == ("Error: r: another linker run is writing this output directory now; wait for "
                                     "it to finish, or choose another --out")
    assert hashes(tmp / "r") == before
    first.send_signal(signal.SIGINT)
    first.communicate(timeout=60)
    assert hashes(tmp / "r") == before
    # the lock went with the first run: a third run goes through
    assert linker("match", "d/list.csv", "d/registry.csv", "--out", "r", "--force", "-q", cwd=tmp).returncode == 0


# ------------------------------------------------------------------ the writer itself
@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def _tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def test_atomic_output_creates_dir_with_a_manifest(in_tmp: Path) -> None:
    with atomic_output("deep/er/out", command="test") as tmp:
        assert tmp.name.startswith(".out.tmp-")
        (tmp / "a.txt").write_text("A")
    assert _tree(Path("deep/er/out")) == {"a.txt": b"A"}
    assert read_manifest("deep/er/out") == {"written_by": "linker", "command": "test", "files": ["a.txt"]}
    assert _siblings(Path("deep/er/out")) == ["out"]


def test_existing_empty_dir_needs_no_force(in_tmp: Path) -> None:
    Path("out").mkdir()
    with atomic_output("out") as tmp:
        (tmp / "a.txt").write_text("A")
    assert _tree(Path("out")) == {"a.txt": b"A"}


def test_force_replaces_a_previous_output(in_tmp: Path) -> None:
    write_outputs("out", {"old.txt": "old", "sub/x.txt": "x"})
    with atomic_output("out", force=True) as tmp:
        (tmp / "new.txt").write_text("new")
    assert _tree(Path("out")) == {"new.txt": b"new"}
    assert _siblings(Path("out")) == ["out"]


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt(), Terminated("signal 15")],
                         ids=["exception", "ctrl-c", "sigterm"])
def test_rollback_leaves_old_output(in_tmp: Path, exc: BaseException) -> None:
    write_outputs("out", {"old.txt": "old"})
    with pytest.raises(type(exc)):
        with atomic_output("out", force=True) as tmp:
            (tmp / "half.txt").write_text("half")
            raise exc
    assert _tree(Path("out")) == {"old.txt": b"old"}
    assert _siblings(Path("out")) == ["out"]


def test_rollback_without_previous_output(in_tmp: Path) -> None:
    with pytest.raises(RuntimeError):
        with atomic_output("out") as tmp:
            (tmp / "half.txt").write_text("half")
            raise RuntimeError
    assert os.listdir(".") == []


def test_refusals_come_before_any_work(in_tmp: Path) -> None:
    Path("out").mkdir()
    Path("out/keep.txt").write_text("keep")
    entered = False
    for force in (False, True):
        with pytest.raises(InputError) as err:
            with atomic_output("out", force=force):
                entered = True
        assert str(err.value) == ("out: holds out/keep.txt, which linker did not write; linker replaces only its "
                                  "own outputs: move it away, or choose another --out")
    assert not entered and _tree(Path("out")) == {"keep.txt": b"keep"}


def test_a_file_added_during_the_run_is_never_removed(in_tmp: Path) -> None:
    write_outputs("out", {"old.txt": "old"})
    with pytest.raises(InputError):
        with atomic_output("out", force=True) as tmp:
            (tmp / "new.txt").write_text("new")
            Path("out/arrived.txt").write_text("arrived during the run")
    assert _tree(Path("out")) == {"old.txt": b"old", "arrived.txt": b"arrived during the run"}


def test_output_path_is_a_file(in_tmp: Path) -> None:
    Path("out").write_text("x")
    with pytest.raises(InputError) as err:
        check_output_dir("out", force=True)
    assert str(err.value) == "out: exists and is not a directory; give a directory for the output"


def test_parent_cannot_be_written(in_tmp: Path) -> None:
    Path("blocker").write_text("x")
    with pytest.raises(InputError) as err:
        check_output_dir("blocker/out", force=False)
    assert str(err.value) == (f"{Path('blocker').absolute()}: cannot write in this directory (the output goes "
                              "there); choose another --out or fix its permissions")


def test_write_outputs_stays_inside(in_tmp: Path) -> None:
    write_outputs("out", {"a.csv": b"x,y\n", "r/report.json": "{\"n\": \"Ё\"}"})
    assert _tree(Path("out")) == {"a.csv": b"x,y\n", "r/report.json": '{"n": "Ё"}'.encode("utf-8")}
    assert json.loads((Path("out") / MANIFEST).read_text())["files"] == ["a.csv", "r/report.json"]
    with pytest.raises(InputError) as err:
        write_outputs("out2", {"../evil.txt": b"x"})
    assert str(err.value) == "../evil.txt: output file name leaves the output directory; use a relative name"
    assert not Path("out2").exists() and not Path("../evil.txt").exists()


def test_lock_is_exclusive_and_released(in_tmp: Path) -> None:
    with OutputDir("out", command="test"):
        with pytest.raises(InputError, match="another linker run is writing"):
            with OutputDir("out", command="test"):
                pass
    with OutputDir("out", command="test") as od, od.staging() as tmp:
        (tmp / "a.txt").write_text("A")
    assert _siblings(Path("out")) == ["out"]


def test_signal_handler_raises_terminated() -> None:
    previous = install_signal_handlers()
    try:
        with pytest.raises(Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1_000_000):  # the handler runs at the next bytecode boundary
                pass
    finally:
        signal.signal(signal.SIGTERM, previous)
