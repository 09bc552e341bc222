"""The Spark engine gives the local engine's pairs, levels, model and decisions (Spark in local[2] mode).

Skipped when pyspark is not importable, unless the CI environment variable is set. One Spark session for
the module; Spark's start-up dominates the run time.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linker import blocking, compare as cmp, model as fs
from linker.engines.local import LocalEngine
from linker.pipeline import load_sides, run_match as _run
from linker.errors import BlockingError, ConfigError
from linker.settings import Settings
from linker.standardize import standardize

if importlib.util.find_spec("pyspark") is None and not os.environ.get("CI"):
    pytest.skip("pyspark is not installed (pip install pyspark)", allow_module_level=True)

from linker.engines.spark import SparkEngine  # noqa: E402


def run_match(lst, reg, settings, **kw):
    return _run(lst, reg, settings, LocalEngine(), **kw)


def run_match_spark(lst, reg, settings, *, spark=None, compare_by="auto", master=None, **kw):
    return _run(lst, reg, settings, SparkEngine(master, spark=spark, compare_by=compare_by), **kw)


from linker.engines.spark_stages import spark_session, u_from_patterns  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# fewer random pairs for u than the default keeps both engines quick; both draw the same ones
SETTINGS = Settings(quiet=True, u_sample_pairs=30_000, decoys=0)


def paths(name: str) -> tuple[str, str]:
    return str(ROOT / "fixtures" / name / "list.csv"), str(ROOT / "fixtures" / name / "registry.csv")


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]", conf={"spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def local_runs() -> dict:
    return {name: run_match(*paths(name), SETTINGS) for name in ("ru", "latin")}


def assert_same_run(a, b) -> None:
    pd.testing.assert_frame_equal(a.list.std, b.list.std)
    pd.testing.assert_frame_equal(a.registry.std, b.registry.std)
    np.testing.assert_array_equal(a.blocking.left, b.blocking.left)
    np.testing.assert_array_equal(a.blocking.right, b.blocking.right)
    assert a.blocking.rule_pairs == b.blocking.rule_pairs
    np.testing.assert_array_equal(a.scored.left, b.scored.left)
    np.testing.assert_array_equal(a.scored.right, b.scored.right)
    pd.testing.assert_frame_equal(a.scored.gammas, b.scored.gammas)
    for c in a.model.comparisons:
        np.testing.assert_allclose(a.model.u[c.name], b.model.u[c.name], rtol=1e-12)
        np.testing.assert_allclose(a.model.m[c.name], b.model.m[c.name], rtol=1e-9)
    assert a.model.genuine_share == pytest.approx(b.model.genuine_share, rel=1e-9)
    ea, eb = a.scored.entries, b.scored.entries
    assert (ea["decision"] == eb["decision"]).all()
    np.testing.assert_array_equal(ea["best_pair"], eb["best_pair"])
    np.testing.assert_allclose(ea["p_best"], eb["p_best"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a.scored.pair_p, b.scored.pair_p, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("name", "compare_by"), [("ru", "broadcast"), ("latin", "join")],
                         ids=["ru-broadcast-encoded", "latin-joined-columns"])
def test_same_run_as_local_engine(spark, local_runs, name, compare_by):
    run = run_match_spark(*paths(name), SETTINGS, spark=spark, compare_by=compare_by)
    assert_same_run(local_runs[name], run)
    # the fixtures hold genuine entries: the comparison is not between two empty results
    assert (run.scored.entries["decision"] == "match").sum() > 100
    assert {"standardize", "block", "compare", "fit", "score"} <= set(run.timings)


def test_model_fitted_on_one_engine_scores_on_the_other(spark, local_runs, tmp_path):
    local_model = tmp_path / "local.json"
    local_runs["latin"].model.save(local_model)
    # a model fitted on the other fixture, so that scoring with it differs from fitting afresh
    spark_fit = run_match_spark(*paths("ru"), SETTINGS, spark=spark)
    spark_model = tmp_path / "spark.json"
    spark_fit.model.save(spark_model)
    for model_path in (local_model, spark_model):
        a = run_match(*paths("ru"), SETTINGS, model_path=str(model_path))
        b = run_match_spark(*paths("ru"), SETTINGS, model_path=str(model_path), spark=spark)
        assert_same_run(a, b)
        assert b.model.em_iterations == fs.Model.load(model_path).em_iterations


def test_labels_add_unblocked_pairs_and_fix_decisions(spark):
    list_path, reg_path = paths("latin")
    side_l, side_r = load_sides(list_path, reg_path, SETTINGS)
    # entry 0 labelled as the last registry record (no rule proposes that pair), entry 1 as nobody
    labels = pd.DataFrame({"list_id": [side_l.ids.iloc[0], side_l.ids.iloc[1]],
                           "registry_id": [side_r.ids.iloc[-1], ""], "label": ["match", "no_match"]})
    a = run_match(list_path, reg_path, SETTINGS, labels=labels)
    b = run_match_spark(list_path, reg_path, SETTINGS, labels=labels, spark=spark)
    assert_same_run(a, b)
    n_r = len(side_r.raw)
    pair = 0 * n_r + (n_r - 1)
    assert pair in set(b.scored.left.astype(np.int64) * n_r + b.scored.right)
    assert pair not in set(b.blocking.left.astype(np.int64) * n_r + b.blocking.right)
    assert list(b.scored.entries["decision"][:2]) == ["match", "no_match"]


@pytest.mark.parametrize(("rules", "max_pairs", "left_out"),
                         [(None, 1200, 3), ((("sn_init",), ("by",)), 100, 0)],
                         ids=["automatic-rules-left-out-then-refused", "user-rules-refused"])
def test_blocking_limit_as_local_engine(spark, rules, max_pairs, left_out):
    settings = Settings(quiet=True, max_pairs=max_pairs, blocking_rules=rules)
    logs: dict[str, list[str]] = {"local": [], "spark": []}
    with pytest.raises(BlockingError) as local_err:
        run_match(*paths("ru"), settings, log=logs["local"].append)
    with pytest.raises(BlockingError) as spark_err:
        run_match_spark(*paths("ru"), settings, spark=spark, log=logs["spark"].append)
    assert str(spark_err.value) == str(local_err.value)
    assert f"over the limit of {max_pairs:,}" in str(spark_err.value)
    assert logs["spark"] == logs["local"]
    assert sum("left out" in line for line in logs["spark"]) == left_out


def test_unknown_compare_mode_is_refused():
    with pytest.raises(ConfigError, match="compare_by 'shuffle': use auto, broadcast or join"):
        run_match_spark(*paths("ru"), SETTINGS, compare_by="shuffle")


@pytest.mark.parametrize(("n_left", "n_right", "sample"), [(300, 3000, 5000), (20, 30, 1000), (7, 1, 7)],
                         ids=["sampled", "cross-product", "exactly-all"])
def test_random_pairs_and_u_as_estimate_u(n_left, n_right, sample):
    list_path, reg_path = paths("ru")
    side_l, side_r = load_sides(list_path, reg_path, SETTINGS)
    std_l = standardize(side_l.raw.head(n_left), side_l.mapping)
    std_r = standardize(side_r.raw.head(n_right), side_r.mapping)
    enc = cmp.encode(std_l, std_r)
    il, ir = fs.random_pairs(n_left, n_right, sample, seed=3)
    assert len(il) == min(sample, n_left * n_right)
    gam = cmp.compare(enc, il, ir)
    patterns = gam.value_counts().rename("count").reset_index()
    u = u_from_patterns(patterns, enc.comparisons)
    expected = fs.estimate_u(enc, n_right, sample=sample, seed=3)
    for c in enc.comparisons:
        np.testing.assert_allclose(u[c.name], expected[c.name], rtol=1e-12)


def test_quiet_means_quiet_on_spark(tmp_path: Path) -> None:
    """A fresh process (its own JVM): with -q, neither Spark, log4j nor Java writes to stderr."""
    import subprocess
    import sys
    lst, reg = paths("ru")
    res = subprocess.run([sys.executable, "-m", "linker.cli", "match", lst, reg, "--out", str(tmp_path / "o"), "-q",
                          "--engine", "spark"], capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stderr == ""
    assert "entries:" in res.stdout


def test_cli_engine_spark_writes_the_same_matches(spark, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from linker.cli import main
    lst, reg = paths("ru")
    outs = {}
    for engine in ("local", "spark"):
        out = tmp_path / engine
        res = CliRunner().invoke(main, ["match", lst, reg, "--out", str(out), "-q", "--engine", engine])
        assert res.exit_code == 0, res.output
        outs[engine] = (out / "matches.csv").read_bytes()
    assert outs["local"] == outs["spark"]


def test_keys_shared_by_too_many_records_are_capped_like_local(spark) -> None:
    lst, reg = paths("ru")
    s = Settings(quiet=True, max_block=3)
    local = run_match(lst, reg, s)
    remote = run_match_spark(lst, reg, s, spark=spark)
    assert local.blocking.rule_pairs == remote.blocking.rule_pairs
    assert (local.scored.entries["decision"] == remote.scored.entries["decision"]).all()


def test_dedupe_on_spark_gives_the_local_clusters(spark, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from linker.cli import main
    roster = str(ROOT / "fixtures" / "ru" / "list.csv")
    outs = {}
    for engine in ("local", "spark"):
        res = CliRunner().invoke(main, ["dedupe", roster, "--out", str(tmp_path / engine), "-q", "--engine", engine])
        assert res.exit_code == 0, res.output
        outs[engine] = (tmp_path / engine / "clusters.csv").read_bytes()
    assert outs["local"] == outs["spark"]
    assert b"\n" in outs["local"]


def test_initials_and_name_cells_of_other_hands_as_local(spark, tmp_path: Path) -> None:
    """A list of one name cell (read with the registry's lexicon) and entries of initials without a date
    (blocked by rules whose list part is a selector, fn_is_init>any, one of them with its own block cap):
    the same run on both engines."""
    from linker.synthetic.hands import synth_hands

    reg, lst, _ = synth_hands(2000, 200, seed=7)
    extra = reg.iloc[:6]
    more = pd.DataFrame({"№": [f"900{k}" for k in range(1, 7)],
                         "ФИО военнослужащего": [f"{r['Фамилия']} {r['Имя'][0]}." + (f"{r['Отчество'][0]}." if k % 2 else "")
                                                 for k, (_, r) in enumerate(extra.iterrows())]})
    # a crowd of namesakes of one surname and initial, over the lone-initial rule's own cap
    crowd = pd.DataFrame([{**reg.iloc[0].to_dict(), "Код": f"К{k}", "Фамилия": "Сахаров", "Имя": "Иван",
                           "Отчество": f"{p}ович"} for k, p in enumerate(["Петр", "Иван", "Олег", "Игор", "Федор",
                                                                          "Борис", "Семен", "Кирилл", "Андре", "Роман",
                                                                          "Степан", "Матве", "Лев", "Марк", "Глеб",
                                                                          "Павел", "Денис", "Тимур", "Артем", "Руслан",
                                                                          "Эдуард", "Вадим"])])
    more = pd.concat([more, pd.DataFrame({"№": ["9010"], "ФИО военнослужащего": ["Сахаров И."]})])
    pd.concat([lst, more], ignore_index=True).fillna("").to_csv(tmp_path / "list.csv", index=False)
    pd.concat([reg, crowd], ignore_index=True).to_csv(tmp_path / "registry.csv", index=False)
    args = (str(tmp_path / "list.csv"), str(tmp_path / "registry.csv"), SETTINGS)
    local = run_match(*args)
    pairs = dict(local.blocking.rule_pairs)
    assert len(crowd) > blocking.INITIAL_BLOCK
    assert 0 < pairs["sn_stem+fn_init+fn_is_init>any+no_pt_init>any+no_by>any"] < len(crowd)
    assert pairs["sn_stem+fn_init+pt_init+fn_is_init>any+no_by>any"] > 0
    assert_same_run(local, run_match_spark(*args, spark=spark))
