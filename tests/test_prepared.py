"""A registry prepared once (`linker index`, `linker.prepared`): a run from the index writes the very bytes a
run from the registry file writes, and a stale index is refused with the fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import linker
from linker.cli import main
from linker.errors import InputError
from linker.pipeline import load_sides
from linker.prepared import INDEX_FILE, open_index
from linker.settings import make_settings
from linker.standardize import standardize

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures"
OUTPUTS = ("matches.csv", "report.json", "report.html", "model.json")


def _run(args: list[str]) -> None:
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output


def _same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def _synth(tmp: Path, style: str, seed: int) -> Path:
    d = tmp / f"{style}-{seed}"
    _run(["synth", "--style", style, "--registry", "1500", "--list", "150", "--seed", str(seed), "--out", str(d)])
    return d


@pytest.mark.parametrize("where", ["ru", "latin"])
def test_match_from_the_index_writes_the_same_bytes(where, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)          # the registry named as given, relative: the report names it so
    reg, lst = f"fixtures/{where}/registry.csv", f"fixtures/{where}/list.csv"
    _run(["index", reg, "--out", str(tmp_path / "reg.linker"), "-q"])
    _run(["match", lst, reg, "--out", str(tmp_path / "csv"), "-q"])
    _run(["match", lst, str(tmp_path / "reg.linker"), "--out", str(tmp_path / "idx"), "-q"])
    _same_outputs(tmp_path / "csv", tmp_path / "idx")


@pytest.mark.parametrize("style,seed", [("us", 4101), ("hands", 4102)])
def test_generic_columns_the_list_shares_are_picked_at_match_time(style, seed, tmp_path) -> None:
    """US and hands rosters carry columns neither side maps to a field; which the run compares depends on
    the list's headers, so the index keeps them all normalized and the run takes the shared ones."""
    d = _synth(tmp_path, style, seed)
    linker.index(d / "registry.csv", tmp_path / "reg.linker")
    from_csv = linker.match(d / "list.csv", d / "registry.csv")
    from_index = linker.match(d / "list.csv", tmp_path / "reg.linker")
    from_csv.write(tmp_path / "csv")
    from_index.write(tmp_path / "idx")
    _same_outputs(tmp_path / "csv", tmp_path / "idx")
    settings = make_settings(None)
    a_l, a_r = load_sides(d / "list.csv", d / "registry.csv", settings)
    _b_l, b_r = load_sides(d / "list.csv", tmp_path / "reg.linker", settings)
    want = standardize(a_r.raw, a_r.mapping)
    pd.testing.assert_frame_equal(b_r.std, want)
    assert list(b_r.std.columns) == list(want.columns) and b_r.std.attrs == want.attrs
    pd.testing.assert_frame_equal(b_r.raw, a_r.raw)
    assert b_r.raw.attrs == a_r.raw.attrs
    pd.testing.assert_series_equal(b_r.ids, a_r.ids)


def test_a_list_dataframe_and_options_against_the_index(tmp_path) -> None:
    reg = FIX / "ru" / "registry.csv"
    linker.index(reg, tmp_path / "reg.linker")
    settings = make_settings(None)
    pd.testing.assert_series_equal(load_sides(FIX / "ru" / "list.csv", tmp_path / "reg.linker", settings)[1].ids,
                                   load_sides(FIX / "ru" / "list.csv", reg, settings)[1].ids)
    lst = linker.read_table(FIX / "ru" / "list.csv").iloc[::3]
    a = linker.match(lst, reg, match_threshold=0.8, seed=5)
    b = linker.match(lst, tmp_path / "reg.linker", match_threshold=0.8, seed=5)
    pd.testing.assert_frame_equal(a.matches, b.matches)
    assert a.report == {**b.report}


def test_a_run_that_maps_the_registry_otherwise_standardizes_it_again(tmp_path) -> None:
    """The index was made with the detected mapping; a run mapping a column elsewhere gets the same result
    as from the file (the stored table standardized again), not the stored keys."""
    reg = FIX / "ru" / "registry.csv"
    linker.index(reg, tmp_path / "reg.linker")
    opts = {"registry_map": {"unit": "category", "category": "unit"}}
    a = linker.match(FIX / "ru" / "list.csv", reg, **opts)
    b = linker.match(FIX / "ru" / "list.csv", tmp_path / "reg.linker", **opts)
    pd.testing.assert_frame_equal(a.matches, b.matches)
    prep = open_index(tmp_path / "reg.linker")
    _l, side = load_sides(FIX / "ru" / "list.csv", reg, make_settings(None, registry_map=(("unit", "category"),)))
    assert prep.std(side.mapping) is None


def _index_copy(tmp_path: Path) -> tuple[Path, Path]:
    reg = tmp_path / "registry.csv"
    shutil.copy(FIX / "ru" / "registry.csv", reg)
    idx = tmp_path / "reg.linker"
    _run(["index", str(reg), "--out", str(idx), "-q"])
    return reg, idx


def _refused(idx: Path, tmp_path: Path) -> str:
    res = CliRunner().invoke(main, ["match", str(FIX / "ru" / "list.csv"), str(idx), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2, res.output
    line = res.output.strip().splitlines()[-1]
    assert line.startswith(f"Error: {idx}: ") and "linker index" in line and "--force" in line
    assert not (tmp_path / "o").exists()
    return line


def test_a_changed_registry_is_refused(tmp_path) -> None:
    reg, idx = _index_copy(tmp_path)
    text = reg.read_text(encoding="utf-8")
    reg.write_text(text.replace("Фаддеев", "Фадеев", 1), encoding="utf-8")
    line = _refused(idx, tmp_path)
    assert "changed since the index was made" in line and str(reg.name) in line


def test_a_missing_registry_is_refused(tmp_path) -> None:
    reg, idx = _index_copy(tmp_path)
    reg.unlink()
    assert "no longer at" in _refused(idx, tmp_path)


@pytest.mark.parametrize("key,value", [("linker_version", "0.0.1"), ("format_version", 0)])
def test_an_index_of_another_version_is_refused(key, value, tmp_path) -> None:
    _reg, idx = _index_copy(tmp_path)
    manifest = json.loads((idx / INDEX_FILE).read_text(encoding="utf-8"))
    manifest[key] = value
    (idx / INDEX_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    assert "made by linker" in _refused(idx, tmp_path)


def test_the_index_moves_with_its_registry(tmp_path) -> None:
    """The index finds the registry where it lies relative to itself, and a report from the moved pair
    still names and fingerprints that file."""
    reg, idx = _index_copy(tmp_path)
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.move(reg, moved / reg.name)
    shutil.move(idx, moved / idx.name)
    r = linker.match(FIX / "ru" / "list.csv", moved / idx.name)
    assert Path(r._out.run.registry.path).resolve() == (moved / reg.name).resolve()
    out = r.write(tmp_path / "o")
    prov = json.loads((out / "report.json").read_text(encoding="utf-8"))["provenance"]["registry"]
    assert prov["file"] == "registry.csv" and prov["rows"] == 3000


def test_verify_takes_the_index_for_its_registry(tmp_path) -> None:
    reg, idx = _index_copy(tmp_path)
    _run(["match", str(FIX / "ru" / "list.csv"), str(idx), "--out", str(tmp_path / "o"), "-q"])
    res = CliRunner().invoke(main, ["verify", str(tmp_path / "o"), str(FIX / "ru" / "list.csv"), str(idx)])
    assert res.exit_code == 0, res.output
    reg.write_text(reg.read_text(encoding="utf-8") + "R9999999,Новиков,Иван,Петрович,01.01.1990,,,,\n",
                   encoding="utf-8")
    res = CliRunner().invoke(main, ["verify", str(tmp_path / "o"), str(FIX / "ru" / "list.csv"), str(idx)])
    assert res.exit_code == 1 and "DIFFERS" in res.output


def test_index_writes_only_through_outdir(tmp_path) -> None:
    reg, idx = _index_copy(tmp_path)
    (idx / "notes.txt").write_text("mine", encoding="utf-8")
    res = CliRunner().invoke(main, ["index", str(reg), "--out", str(idx), "--force"])
    assert res.exit_code == 2 and "notes.txt" in res.output
    res = CliRunner().invoke(main, ["index", str(reg), "--out", str(tmp_path)])
    assert res.exit_code == 2
    with pytest.raises(InputError, match="file path"):
        linker.index(pd.DataFrame({"surname": ["A"]}), tmp_path / "x.linker")


def test_the_list_cannot_be_the_indexed_registry(tmp_path) -> None:
    reg, idx = _index_copy(tmp_path)
    with pytest.raises(InputError, match="the list is the file"):
        linker.match(reg, idx)


def test_text_that_is_not_utf8_survives_the_index(tmp_path) -> None:
    """A lone surrogate (a cell pandas holds but UTF-8 cannot) goes into the index and comes back."""
    from linker.prepared import _Reader, _Writer

    w = _Writer(tmp_path)
    w.add("p", {"a": np.array(["x", "bad\udcff", "x"], dtype=object), "n": np.array([1, 2, 3], np.int16)})
    layout = w.write()
    got = _Reader(tmp_path, layout).read("p")
    assert got["a"].tolist() == ["x", "bad\udcff", "x"] and got["n"].dtype == np.int16


@pytest.mark.parametrize("style,seed", [("ru", 4103), ("us", 4104), ("hands", 4105)])
def test_the_registry_side_of_encode_and_blocking_from_the_index_is_exact(style, seed, tmp_path, monkeypatch) -> None:
    """`prepared_keys.encode` is `compare.encode` array for array, without encoding the whole registry; each
    rule's key codes from the index give `blocking.block` and `rule_hits` the very pairs and hits."""
    from linker import blocking, compare as cmp, prepared_keys
    from linker.pipeline import key_codes_of

    d = _synth(tmp_path, style, seed)
    linker.index(d / "registry.csv", tmp_path / "reg.linker")
    settings = make_settings(None)
    side_l, side_r = load_sides(d / "list.csv", tmp_path / "reg.linker", settings)
    side_l.std = standardize(side_l.raw, side_l.mapping)
    want = cmp.encode(side_l.std, side_r.std)
    whole = []
    real = cmp.encode
    monkeypatch.setattr(prepared_keys.cmp, "encode", lambda a, b: whole.append(len(b)) or real(a, b))
    got = prepared_keys.encode(side_l.std, side_r.std, side_r.keys)
    monkeypatch.undo()
    assert max(whole) < len(side_r.std)          # only a probe of the registry was encoded whole
    assert got.comparisons == want.comparisons and set(got.vocab) == set(want.vocab)
    for name in want.vocab:
        assert got.vocab[name].tolist() == want.vocab[name].tolist(), name
    held_cp = [g for g in want.vocab if g in got.code_point_cache]
    assert "name" in held_cp
    for g in want.vocab:         # the character matrices compare builds, from the index's where it has them
        (m1, l1), (m2, l2) = got.code_points(g), want.code_points(g)
        assert m1.dtype == m2.dtype and np.array_equal(m1, m2) and np.array_equal(l1, l2), g
    for side in ("left", "right"):
        a, b = getattr(got, side), getattr(want, side)
        assert set(a) == set(b)
        for c in b:
            assert a[c].dtype == b[c].dtype and np.array_equal(a[c], b[c]), (side, c)
    rules = blocking.choose_rules((), side_l.std, side_r.std)
    codes = key_codes_of(side_l, side_r)
    # every rule is held but those on generic columns and those for initials-only entries, whose list side
    # selects on fn_is_init, which no registry row of a stand-in list holds (blocking codes them at run time)
    missing = [r.name for r in rules if codes(r) is None]
    assert all("fn_is_init>any" in name or "t_" in name for name in missing), missing
    assert len(missing) <= 2 + sum("t_" in r.name for r in rules)
    kw = dict(max_pairs=settings.max_pairs, automatic=True, max_block=settings.max_block, enc=want)
    plain = blocking.block(side_l.std, side_r.std, rules, **kw)
    fast = blocking.block(side_l.std, side_r.std, rules, key_codes=codes, **kw)
    assert plain.rule_pairs == fast.rule_pairs and len(plain.left) > 0
    assert np.array_equal(plain.left, fast.left) and np.array_equal(plain.right, fast.right)
    rng = np.random.default_rng(seed)
    li = np.concatenate([plain.left, rng.integers(0, len(side_l.std), 500)])
    ri = np.concatenate([plain.right, rng.integers(0, len(side_r.std), 500)])
    hits = dict(max_block=settings.max_block, enc=want)
    assert np.array_equal(blocking.rule_hits(side_l.std, side_r.std, rules, li, ri, **hits),
                          blocking.rule_hits(side_l.std, side_r.std, rules, li, ri, key_codes=codes, **hits))


def test_matches_parquet_holds_what_matches_csv_holds(tmp_path) -> None:
    """``--format parquet`` writes matches.parquet (same rows and values, the same bytes run after run) in
    place of matches.csv, and the report's provenance records it."""
    d = FIX / "ru"
    args = ["match", str(d / "list.csv"), str(d / "registry.csv"), "-q"]
    _run([*args, "--out", str(tmp_path / "csv")])
    for k in (1, 2):
        _run([*args, "--out", str(tmp_path / f"pq{k}"), "--format", "parquet"])
    assert not (tmp_path / "pq1" / "matches.csv").exists()
    assert (tmp_path / "pq1" / "matches.parquet").read_bytes() == (tmp_path / "pq2" / "matches.parquet").read_bytes()
    got = pd.read_parquet(tmp_path / "pq1" / "matches.parquet")
    want = linker.read_table(tmp_path / "csv" / "matches.csv")
    assert list(got.columns) == list(want.columns) and len(got) == len(want)
    assert got["list_id"].astype(str).tolist() == want["list_id"].tolist()
    assert got["decision"].tolist() == want["decision"].tolist()
    prov = json.loads((tmp_path / "pq1" / "report.json").read_text(encoding="utf-8"))["provenance"]
    assert set(prov["outputs"]) == {"matches.parquet", "model.json"}
    res = CliRunner().invoke(main, ["verify", str(tmp_path / "pq1"), str(d / "list.csv"), str(d / "registry.csv")])
    assert res.exit_code == 0, res.output
    ev = linker.evaluate(tmp_path / "pq1", FIX / "ru" / "truth.csv")
    assert ev.f1 > 0.9
    with pytest.raises(linker.ConfigError, match="parquet"):
        linker.match(d / "list.csv", d / "registry.csv", out=tmp_path / "x", format="xlsx")


@pytest.fixture(scope="module")
def looked_up(tmp_path_factory):
    """The ru fixtures' registry indexed, a run's model, and the run (to compare a lookup with)."""
    tmp = tmp_path_factory.mktemp("lookup")
    reg = FIX / "ru" / "registry.csv"
    linker.index(reg, tmp / "reg.linker")
    run = linker.match(FIX / "ru" / "list.csv", tmp / "reg.linker")
    run.write(tmp / "run")
    return tmp, linker.Lookup(tmp / "reg.linker", tmp / "run" / "model.json"), run


def test_lookup_finds_a_registry_person_first(looked_up) -> None:
    _tmp, lk, _run = looked_up
    reg = linker.read_table(FIX / "ru" / "registry.csv")
    for k in (0, 17, 2999):
        r = reg.iloc[k]
        got = lk.query(surname=r["surname"], first_name=r["first_name"], patronymic=r["patronymic"],
                       birth_date=r["birth_date"])
        assert got["registry_id"].iloc[0] == r["id"] and got["probability"].iloc[0] > 0.9
        assert got["probability"].is_monotonic_decreasing and got.attrs["genuine_probability"] > 0.9
        assert {"surname_level", "birth_date_weight", "term_frequency_weight"} <= set(got.columns)
        assert "model" in got.attrs["source"] and "genuine share" in got.attrs["source"]
    nobody = lk.query(surname="Квазимодов", first_name="Эсмеральд", birth_date="01.01.1901")
    assert nobody.attrs["genuine_probability"] < 0.5
    blank = lk.query(surname="--", first_name="?")      # nothing to meet a record by: no candidate
    assert len(blank) == 0 and blank.attrs["genuine_probability"] < 0.5


def test_lookup_agrees_with_the_run_it_took_its_model_from(looked_up) -> None:
    """The list's confirmed entries, looked up one by one, find the record the run confirmed."""
    _tmp, lk, run = looked_up
    lst = linker.read_table(FIX / "ru" / "list.csv")
    m = run.matches
    confirmed = m.index[m["decision"] == "match"][:40]
    same = 0
    for i in confirmed:
        row = lst.iloc[i]
        got = lk.query(full_name=row["Ф.И.О."], birth_date=row["Дата рожд."], personal_number=row["Личный номер"])
        same += bool(len(got)) and got["registry_id"].iloc[0] == m.loc[i, "registry_id"]
    assert same >= 0.95 * len(confirmed)


def test_lookup_queries_stream_and_the_cli(looked_up) -> None:
    tmp, lk, _run = looked_up
    q = pd.DataFrame({"surname": ["Фаддеев", "Иргит"], "first_name": ["Алексей", "Вадим"],
                      "birth_date": ["12.07.2000", "23.10.1998"]})
    blocks = list(lk.queries(q, top=2))
    assert [b["query"].iloc[0] for b in blocks] == [1, 2] and all(len(b) <= 2 for b in blocks)
    assert blocks[0]["registry_id"].iloc[0] == "R0000001" and blocks[1]["registry_id"].iloc[0] == "R0000002"
    q.rename(columns={"surname": "Фамилия", "first_name": "Имя", "birth_date": "Дата рождения"}).to_csv(
        tmp / "q.csv", index=False)        # headers recognised as a list's are
    res = CliRunner().invoke(main, ["lookup", str(tmp / "reg.linker"), "--model", str(tmp / "run" / "model.json"),
                                    "--queries", str(tmp / "q.csv"), "--top", "1"])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stdout.splitlines() if ln]
    assert lines[0].startswith("query,genuine_probability,registry_id") and len(lines) == 3
    res = CliRunner().invoke(main, ["lookup", str(tmp / "reg.linker"), "--model", str(tmp / "run" / "model.json"),
                                    "--surname", "Фаддеев", "--first-name", "Алексей", "--birth-date", "12.07.2000"])
    assert res.exit_code == 0 and "R0000001" in res.stdout and "probability" in res.stdout
    res = CliRunner().invoke(main, ["lookup", str(tmp / "reg.linker"), "--model", str(tmp / "run" / "model.json"),
                                    "--first-name", "Алексей"])
    assert res.exit_code == 2 and "needs a surname" in res.output
    with pytest.raises(InputError, match="unknown field"):
        lk.query(surname="А", shoe_size="44")


def test_bench_index_runs_and_checks_the_outputs_agree(tmp_path) -> None:
    import subprocess
    import sys

    got = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_index.py"), "--registry", "2000", "--list",
                          "100", "--repeat", "1", "--lookups", "10", "--work", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert got.returncode == 0, got.stderr
    assert "outputs byte-identical: True" in got.stdout and "lookup: loaded" in got.stdout
    row = json.loads((tmp_path / "bench-index.jsonl").read_text().splitlines()[-1])
    assert row["same_outputs"] and row["prepared"]["returncode"] == 0 and row["lookup"]["queries"] == 10


def test_a_parquet_registry_indexes_too(tmp_path) -> None:
    """A registry given as Parquet (no line numbers, no encoding): the index holds the table as read."""
    reg = tmp_path / "registry.parquet"
    table = linker.read_table(FIX / "ru" / "registry.csv")
    table.attrs.clear()             # (pandas cannot write linker's line numbers into Parquet metadata)
    table.to_parquet(reg, index=False)
    linker.index(reg, tmp_path / "reg.linker")
    a = linker.match(FIX / "ru" / "list.csv", reg)
    b = linker.match(FIX / "ru" / "list.csv", tmp_path / "reg.linker")
    a.write(tmp_path / "a")
    b.write(tmp_path / "b")
    _same_outputs(tmp_path / "a", tmp_path / "b")
    assert b._out.run.registry.raw.attrs == a._out.run.registry.raw.attrs


def test_a_saved_model_scores_the_same_from_the_index(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    reg = "fixtures/ru/registry.csv"
    _run(["index", reg, "--out", str(tmp_path / "reg.linker"), "-q"])
    _run(["match", "fixtures/ru/list.csv", reg, "--out", str(tmp_path / "fit"), "-q"])
    model = str(tmp_path / "fit" / "model.json")
    for name, source in (("csv", reg), ("idx", str(tmp_path / "reg.linker"))):
        _run(["match", "fixtures/latin/list.csv", source, "--model", model, "--out", str(tmp_path / name), "-q"])
    _same_outputs(tmp_path / "csv", tmp_path / "idx")
