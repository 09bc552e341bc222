"""Property tests: random tables through read and match raise only linker's own errors, and every list row
comes back exactly once, in order."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from linker.errors import LinkerError
from linker.run import match
from linker.settings import Settings

NAMES = ["Иванов", "Петрова", "Ivanov", "Сидоров", "Bdfyjd", "ИВАНОВ И.И.", "Смирнов Сергей Петрович", "", "  ",
         "<img src=x onerror=alert(1)>", "=HYPERLINK(\"x\")", "Ким", "Алиев Рустам Гасан оглы", "O'Brien", "Ё"]
DATES = ["12.03.1990", "1990-03-12", "12 марта 1990 г.", "3/12/90", "31.02.1990", "1990", "", "abc", "00.00.0000"]
text = st.one_of(st.sampled_from(NAMES), st.text(max_size=12))
row = st.fixed_dictionaries({
    "Фамилия": text, "Имя": st.one_of(st.sampled_from(["Сергей", "Саша", "И.", "", "Alexander"]), st.text(max_size=6)),
    "Дата рождения": st.one_of(st.sampled_from(DATES), st.text(max_size=10)),
    "Личный номер": st.one_of(st.sampled_from(["АБ-123456", "AB 123456", "", "123"]), st.text(max_size=8)),
})
FAST = Settings(quiet=True, decoys=20, u_sample_pairs=2000, workers=1)


def _write(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["Фамилия"])
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lst=st.lists(row, min_size=0, max_size=8), reg=st.lists(row, min_size=0, max_size=10))
def test_random_tables_match_or_fail_cleanly(tmp_path: Path, lst: list[dict], reg: list[dict]) -> None:
    lp, rp = tmp_path / "list.csv", tmp_path / "registry.csv"
    _write(lp, lst)
    _write(rp, reg)
    try:
        out = match(str(lp), str(rp), FAST)
    except LinkerError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert len(out.matches) == len(lst)
    assert out.matches["list_id"].tolist() == [str(i + 1) for i in range(len(lst))]
    assert set(out.matches["decision"]) <= {"match", "review", "no_match"}
    assert out.report["counts"]["total"] == len(lst)
