"""Try every input fault of the robustness issue through the real CLI and print what happened.

    python scripts/faults.py > /tmp/faults.md      # the README's fault table

Each case builds its bad input in a temporary directory, runs a `linker` command in a child process and
records the exit code, the first line of stderr, whether a traceback appeared and whether anything was
written: "output written" is "yes" when the output directory appeared or any file already in the temporary
directory changed or went (sha256 of every file before and after).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REG = ROOT / "fixtures" / "ru" / "registry.csv"
LIST = ROOT / "fixtures" / "ru" / "list.csv"


def xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)


def cases(d: Path) -> list[tuple[str, list[str]]]:
    good = LIST.read_text(encoding="utf-8")
    header = good.splitlines()[0]
    (d / "empty.csv").write_bytes(b"")
    (d / "header.csv").write_text(header + "\n", encoding="utf-8")
    (d / "binary.csv").write_bytes(os.urandom(2048).replace(b"\n", b"\0") + b"\0" * 10)
    (d / "undecodable.csv").write_bytes("Фамилия,Имя\n".encode("utf-8") + bytes(range(128, 256)) * 4 + b"\n")
    (d / "ragged.csv").write_text(header + "\n" + good.splitlines()[1] + ",extra,cells\n", encoding="utf-8")
    (d / "quote.csv").write_text(header + '\n1,"Иванов,Иван,,,,,,\n', encoding="utf-8")
    (d / "dupid.csv").write_text("№,Фамилия\n1,Иванов\n1,Петров\n", encoding="utf-8")
    (d / "emptyid.csv").write_text("№,Фамилия\n1,Иванов\n,Петров\n", encoding="utf-8")
    (d / "noname.csv").write_text("code,amount\n1,2\n", encoding="utf-8")
    (d / "bigcell.csv").write_text("Фамилия,Имя\n" + "x" * 10_000_000 + ",y\n", encoding="utf-8")
    xlsx(d / "title.xlsx", [["Список военнослужащих"], [], ["Фамилия", "Имя"], ["Иванов", "Иван"]])
    (d / "dir.csv").mkdir()
    (d / "afile").write_text("x")
    odd = d / "odd.csv"
    odd.write_text("№,Фамилия,Имя,Дата рождения\n1,,Иван,12.03.1990\n2,Ивaнов,Иван,31.02.1990\n3,Петров,Пётр,1990\n",
                   encoding="utf-8")
    users = d / "users"                      # a user's folder: their list, registry and notes
    (users / "sub").mkdir(parents=True)
    shutil.copy(LIST, users / "list.csv")
    shutil.copy(REG, users / "registry.csv")
    shutil.copy(LIST, users / "sub" / "list.csv")
    (users / "notes.txt").write_text("my notes", encoding="utf-8")
    prev = d / "previous"                    # an earlier linker output, and one the user added a file to
    subprocess.run([sys.executable, "-m", "linker.cli", "synth", "--registry", "50", "--list", "5", "--out",
                    str(prev)], capture_output=True, check=True, cwd=ROOT)
    shutil.copytree(prev, d / "previous2")
    (d / "previous2" / "mine.txt").write_text("kept", encoding="utf-8")
    out = str(d / "out")
    m = ["match"]
    return [
        ("missing file", [*m, str(d / "nope.csv"), str(REG), "--out", out]),
        ("a directory instead of a file", [*m, str(d / "dir.csv"), str(REG), "--out", out]),
        ("empty file", [*m, str(d / "empty.csv"), str(REG), "--out", out]),
        ("header only", [*m, str(d / "header.csv"), str(REG), "--out", out]),
        ("binary data", [*m, str(d / "binary.csv"), str(REG), "--out", out]),
        ("undecodable encoding", [*m, str(d / "undecodable.csv"), str(REG), "--out", out]),
        ("ragged rows", [*m, str(d / "ragged.csv"), str(REG), "--out", out]),
        ("unclosed quote", [*m, str(d / "quote.csv"), str(REG), "--out", out]),
        ("duplicate ids", [*m, str(d / "dupid.csv"), str(REG), "--out", out]),
        ("empty ids", [*m, str(d / "emptyid.csv"), str(REG), "--out", out]),
        ("no name column", [*m, str(d / "noname.csv"), str(REG), "--out", out]),
        ("the same file twice", [*m, str(LIST), str(LIST), "--out", out]),
        ("mapping to a missing column", [*m, str(LIST), str(REG), "--out", out, "--map", "surname=Нет"]),
        ("a 10 MB cell", [*m, str(d / "bigcell.csv"), str(REG), "--out", out]),
        ("XLSX header not on row 1", [*m, str(d / "title.xlsx"), str(REG), "--out", out]),
        ("output directory cannot be created (its parent is a file)", [*m, str(LIST), str(REG), "--out",
                                                                       str(d / "afile" / "out")]),
        ("a previous linker output, without --force", [*m, str(LIST), str(REG), "--out", str(prev)]),
        ("--out holding the inputs, with --force", [*m, str(users / "list.csv"), str(users / "registry.csv"),
                                                    "--out", str(users), "--force"]),
        ("--out an ancestor of the list's folder, with --force", [*m, str(users / "sub" / "list.csv"), str(REG),
                                                                  "--out", str(users), "--force"]),
        ("dedupe with --out holding the roster, with --force", ["dedupe", str(users / "list.csv"), "--out",
                                                                str(users), "--force"]),
        ("--force on a linker output holding a file linker did not write", [*m, str(LIST), str(REG), "--out",
                                                                            str(d / "previous2"), "--force"]),
        ("synth into a folder holding a registry.csv, with --force", ["synth", "--registry", "50", "--list", "5",
                                                                     "--out", str(users), "--force"]),
        ("another run writing the same --out", [*m, str(LIST), str(REG), "--out", str(prev), "--force"]),
        ("synth: a list larger than the registry allows", ["synth", "--registry", "10", "--list", "1000",
                                                           "--out", out]),
        ("synth: negative damage", ["synth", "--registry", "100", "--list", "10", "--damage", "-1", "--out", out]),
        ("model.json that is not a model", [*m, str(LIST), str(REG), "--out", out, "--model", str(d / "header.csv")]),
        ("odd but readable rows (kept, flagged)", [*m, str(odd), str(REG), "--out", out, "-q"]),
    ]


def _hashes(root: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def _hold(args: list[str]) -> subprocess.Popen:
    """The same command, paused after staging its files (LINKER_TEST_PAUSE), so that it holds the lock."""
    proc = subprocess.Popen([sys.executable, "-m", "linker.cli", *args, "-q"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "LINKER_TEST_PAUSE": "before-swap"})
    assert proc.stderr is not None
    proc.stderr.readline()   # "linker: paused before replacing ..."
    return proc


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        print("| fault | exit code | what linker says | traceback | output written |")
        print("|---|---|---|---|---|")
        for name, args in cases(d):
            before = _hashes(d)
            holder = _hold(args) if name == "another run writing the same --out" else None
            res = subprocess.run([sys.executable, "-m", "linker.cli", *args], capture_output=True, text=True,
                                 cwd=ROOT, timeout=300)
            if holder is not None:      # the first run is then interrupted: it leaves the output as it was
                holder.send_signal(signal.SIGINT)
                holder.communicate(timeout=60)
            lines = res.stderr.strip().splitlines()
            first = next((x for x in lines if x.startswith("Error:")), lines[0] if lines else "")
            if res.returncode == 0:
                first = (res.stdout.strip().splitlines() or [""])[0]
            first = first.replace(tmp, "…").replace(str(ROOT) + "/", "").replace("|", "\\|")
            after = _hashes(d)
            wrote = (d / "out").exists() or any(after.get(k) != v for k, v in before.items())
            print(f"| {name} | {res.returncode} | {first} | {'yes' if 'Traceback' in res.stderr else 'no'} "
                  f"| {'yes' if wrote else 'no'} |")
            if (d / "out").exists():
                shutil.rmtree(d / "out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
