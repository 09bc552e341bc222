"""The `linker` command: a thin face over the library (parse, call, print, exit)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import LinkerError

EXAMPLES_MATCH = """
\b
Example:
  linker match fixtures/ru/list.csv fixtures/ru/registry.csv --out report/
  linker match list.csv registry.linker --out report/ --format parquet   (an index of `linker index`)
  linker match list.xlsx registry.csv --out report/ --map full_name=ФИО --list-id "№"
  linker match list.csv registry.csv --out report/ --force --labels labels.csv
"""


def _say(quiet: bool):
    def say(msg: str) -> None:
        if not quiet:
            click.echo(msg, err=True)
    return say


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LinkerError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted: nothing was written.", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="linker")
def main() -> None:
    """linker: check a list of people against a registry, and find people listed twice."""


@main.command("match", epilog=EXAMPLES_MATCH)
@click.argument("list_file", metavar="LIST", type=click.Path(dir_okay=True, path_type=str))
@click.argument("registry_file", metavar="REGISTRY", type=click.Path(dir_okay=True, path_type=str))
@click.option("--out", "out", required=True, type=click.Path(path_type=str), help="Output directory.")
@click.option("--config", type=click.Path(path_type=str), help="TOML file with options (see README).")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help="Map a column onto a field, for both files (repeatable).")
@click.option("--list-map", "list_maps", multiple=True, metavar="FIELD=COLUMN", help="Mapping for the list only.")
@click.option("--registry-map", "registry_maps", multiple=True, metavar="FIELD=COLUMN",
              help="Mapping for the registry only.")
@click.option("--list-id", help="Id column of the list (default: detected, else the row number).")
@click.option("--registry-id", help="Id column of the registry (default: detected, else the row number).")
@click.option("--match-threshold", type=float, help="Probability from which an entry is confirmed [0.9].")
@click.option("--review-threshold", type=float, help="Probability from which an entry needs review [0.3].")
@click.option("--model", "model_path", type=click.Path(path_type=str), help="Score with a saved model.json.")
@click.option("--labels", "labels_path", type=click.Path(path_type=str), multiple=True,
              help="labels.csv exported from report.html: a person's decisions win (repeat to merge reviewers; "
                   "their disagreements are listed and their agreement measured).")
@click.option("--breakdown", multiple=True, help="A list column to break the results down by (repeatable).")
@click.option("--seed", type=int, help="Random seed [0].")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Run the stages in this process, or on Apache Spark (pip install 'linker[spark]').")
@click.option("--spark-master", default="local[2]", show_default=True,
              help="Spark master URL (local[4], spark://host:7077, yarn) for --engine spark.")
@click.option("--redact", is_flag=True,
              help="A report for publication: counts, charts and per-entry evidence levels, no name, date, "
                   "number or id of either file.")
@click.option("--format", "matches_format", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True,
              help="matches.csv, or matches.parquet for lists too large for a spreadsheet.")
@click.option("--force", is_flag=True, help="Replace an existing, non-empty output directory.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def match_cmd(list_file, registry_file, out, config, maps, list_maps, registry_maps, list_id, registry_id,
              match_threshold, review_threshold, model_path, labels_path, breakdown, seed, engine, spark_master,
              redact, matches_format, force, quiet):
    """Match the people of LIST against REGISTRY and write a verification report into --out."""
    from .api import match
    from .outdir import install_signal_handlers
    from .settings import parse_map_options

    install_signal_handlers()
    both = parse_map_options(maps)
    say = _say(quiet)
    result = match(list_file, registry_file, config=config, engine=engine, spark_master=spark_master,
                   model=model_path, labels=list(labels_path) or None, breakdown=tuple(breakdown), out=out,
                   force=force, redact=redact, format=matches_format, log=say, match_threshold=match_threshold,
                   review_threshold=review_threshold, seed=seed,
                   list_map=(both + parse_map_options(list_maps)) or None,
                   registry_map=(both + parse_map_options(registry_maps)) or None,
                   list_id=list_id, registry_id=registry_id, quiet=quiet)
    rep = result.report
    c = rep["counts"]
    for note in rep.get("warnings") or []:
        click.echo(f"Warning: {note}", err=True)     # even with --quiet: the ids change meaning
    say("mapping: list " + ", ".join(f"{k}={v}" for k, v in rep["mapping"]["list"].items()))
    say("mapping: registry " + ", ".join(f"{k}={v}" for k, v in rep["mapping"]["registry"].items()))
    eg = rep["expected_genuine"]
    click.echo(f"{c['total']} entries: {c['match']} match, {c['review']} review, {c['no_match']} no_match "
               f"({c['duplicate_listings']} duplicate listings); expected genuine {eg['estimate']:.1f} "
               f"[{eg['low']:.1f}, {eg['high']:.1f}]")
    if rep.get("chance_test"):
        click.echo(rep["chance_test"]["explanation"])
    click.echo(f"report: {Path(out) / 'report.html'}")


def _one_table(name: str, metavar: str, out_help: str, config_help: str):
    """The options of a command over one table: the table, --out, --config, --map and --id."""
    def wrap(f):
        for deco in reversed((
                click.argument(name, metavar=metavar, type=click.Path(path_type=str)),
                click.option("--out", "out", required=True, type=click.Path(path_type=str), help=out_help),
                click.option("--config", type=click.Path(path_type=str), help=config_help),
                click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
                             help="Map a column onto a field (repeatable)."),
                click.option("--id", "id_col", help="Id column (default: detected, else the row number)."))):
            f = deco(f)
        return f
    return wrap


@main.command("index")
@_one_table("registry_file", "REGISTRY", "Index directory (REG.linker).", "TOML file with options (its [registry.map]).")
@click.option("--force", is_flag=True, help="Replace an earlier index in --out.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def index_cmd(registry_file, out, config, maps, id_col, force, quiet):
    """Prepare REGISTRY once: `linker match LIST DIR` then reads DIR instead, with the same outputs.

    The index is refused once REGISTRY changes, or by another linker version: make it again then.

    \b
    Example:
      linker index fixtures/ru/registry.csv --out registry.linker
      linker match fixtures/ru/list.csv registry.linker --out report/
    """
    from .api import index
    from .outdir import install_signal_handlers
    from .settings import parse_map_options

    install_signal_handlers()
    index(registry_file, out, config=config, force=force, log=_say(quiet),
          registry_map=parse_map_options(maps) or None, registry_id=id_col, quiet=quiet)
    click.echo(f"index: {out} (linker match LIST {out} --out DIR)")


@main.command("lookup")
@click.argument("index_dir", metavar="REG.linker", type=click.Path(path_type=str))
@click.option("--model", "model_path", required=True, type=click.Path(path_type=str),
              help="model.json of an earlier `linker match` against this registry (a lookup fits no model).")
@click.option("--surname")
@click.option("--first-name")
@click.option("--patronymic")
@click.option("--full-name", help="The whole name in one string, parsed as a list's is.")
@click.option("--birth-date")
@click.option("--personal-number")
@click.option("--queries", "queries_file", type=click.Path(path_type=str),
              help="A CSV of queries (columns surname, first_name, birth_date ...): their candidates as CSV.")
@click.option("--top", type=int, default=5, show_default=True, help="Candidates shown per query.")
@click.option("--config", type=click.Path(path_type=str), help="TOML file with options.")
def lookup_cmd(index_dir, model_path, surname, first_name, patronymic, full_name, birth_date, personal_number,
               queries_file, top, config):
    """The ranked candidates of one person in a prepared registry, with probabilities and each field's
    evidence; --queries looks up every row of a CSV (streamed, one block of candidates per row).

    \b
    Example:
      linker lookup registry.linker --model report/model.json --surname Иванов --first-name Иван --birth-date 1990-03-01
      linker lookup registry.linker --model report/model.json --queries people.csv > candidates.csv
    """
    import time

    from .api import Lookup
    from .io import read_table, write_csv_bytes

    t0 = time.perf_counter()
    lk = Lookup(index_dir, model_path, config=config)
    click.echo(f"{lk.source}; loaded in {time.perf_counter() - t0:.1f} s", err=True)
    if queries_file:
        first = True
        for block in lk.queries(read_table(queries_file), top=top, path=queries_file):
            text = write_csv_bytes(block).decode("utf-8")
            click.echo(text if first else text.split("\n", 1)[1], nl=False)
            first = False
        return
    fields = {"surname": surname, "first_name": first_name, "patronymic": patronymic, "full_name": full_name,
              "birth_date": birth_date, "personal_number": personal_number}
    t1 = time.perf_counter()
    got = lk.query(**{k: v for k, v in fields.items() if v})
    click.echo(f"in the registry with probability {got.attrs['genuine_probability']:.3f}; {len(got)} candidate(s) "
               f"({(time.perf_counter() - t1) * 1000:.0f} ms)")
    if len(got):
        click.echo(got.head(top).to_string(index=False))


@main.command("dedupe")
@_one_table("roster", "ROSTER", "Output directory.", "TOML file with options (see README).")
@click.option("--threshold", type=float, help="Pair probability from which two rows are linked [0.9].")
@click.option("--seed", type=int, help="Random seed [0].")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Run the stages in this process, or on Apache Spark.")
@click.option("--spark-master", default="local[2]", show_default=True, help="Spark master URL for --engine spark.")
@click.option("--force", is_flag=True, help="Replace an existing, non-empty output directory.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def dedupe_cmd(roster, out, config, maps, id_col, threshold, seed, engine, spark_master, force, quiet):
    """Find the rows of ROSTER that are the same person; write clusters.csv and a report into --out.

    \b
    Example:
      linker dedupe roster.csv --out dupes/
    """
    from .api import DedupeResult
    from .deduplication import write_dedupe
    from .engines import get_engine
    from .outdir import OutputDir, install_signal_handlers
    from .pipeline import run_dedupe
    from .settings import make_settings, parse_map_options

    install_signal_handlers()
    with OutputDir(out, command="dedupe", force=force, inputs=(roster, config)) as target:
        settings = make_settings(config, match_threshold=threshold, seed=seed,
                                 list_map=parse_map_options(maps) or None, list_id=id_col, quiet=quiet)
        run = run_dedupe(roster, settings, get_engine(engine, spark_master=spark_master, quiet=quiet),
                         log=_say(quiet))
        result = DedupeResult(run, settings)
        write_dedupe(target, run, result.clusters, result.report)
    report = result.report
    c = report["counts"]
    for note in report.get("warnings") or []:
        click.echo(f"Warning: {note}", err=True)
    click.echo(f"{c['rows']} rows: {c['entities']} distinct people, {c['clusters']} listed more than once "
               f"({c['rows_in_clusters']} rows); largest cluster {report['largest_cluster']['size']} rows")
    click.echo(f"report: {Path(out) / 'report.html'}")


def _draw_measured_curve(out_dir: Path, rows: list[dict], inputs: tuple[str | None, ...]) -> None:
    """Put the measured precision/recall into DIR/report.json's threshold curve and redraw report.html: the
    whole output directory is staged with the two new files and swapped in (``linker.outdir``), so the pair
    is replaced together or not at all; a directory holding files linker did not write is left alone."""
    import json

    from .errors import InputError
    from .outdir import OutputDir, read_manifest
    from .report.html import write_html

    rj = out_dir / "report.json"
    manifest = read_manifest(out_dir)
    if not rj.is_file() or manifest is None:
        return
    report = json.loads(rj.read_text(encoding="utf-8"))
    measured = {r["threshold"]: r for r in rows}
    for point in report.get("threshold_curve") or []:
        r = measured.get(point.get("threshold"))
        if r is not None:
            point["precision"], point["recall"] = r.get("precision"), r.get("recall")
    try:
        with OutputDir(out_dir, command=str(manifest.get("command", "match")), force=True, inputs=inputs) as target:
            keep = [f for f in manifest["files"] if f not in ("report.json", "report.html")]
            with target.staging(keep=keep) as tmp:
                (tmp / "report.json").write_text(json.dumps(report, ensure_ascii=False, separators=(",", ":"))
                                                 + "\n", encoding="utf-8")
                report.pop("entries", None)
                write_html(tmp / "report.html", report, tmp / "report.json")
    except InputError as exc:
        click.echo(f"measured curve not drawn into the report: {exc}", err=True)
        return
    click.echo(f"measured curve drawn in {out_dir / 'report.html'}", err=True)


@main.command("tune")
@click.argument("out_dir", metavar="DIR", type=click.Path(path_type=str))
@click.option("--truth", "truth_file", type=click.Path(path_type=str), help="truth.csv (or pair truth) to measure.")
@click.option("--labels", "labels_file", type=click.Path(path_type=str),
              help="labels.csv from a review: measured on the labelled entries.")
@click.option("--target-precision", type=float, default=0.99, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def tune_cmd(out_dir, truth_file, labels_file, target_precision, as_json):
    """Precision, recall and F1 of the run in DIR at each threshold; suggests a pair of thresholds.

    Without --truth the numbers are estimated from the model's probabilities.

    \b
    Example:
      linker tune report/ --truth fixtures/ru/truth.csv
    """
    import json

    from .api import tune

    result = tune(out_dir, truth_file, labels=labels_file or None, target_precision=target_precision)
    if result.measured:
        _draw_measured_curve(Path(out_dir), result.rows, (truth_file, labels_file))
    if as_json:
        click.echo(json.dumps({"rows": result.rows, "suggested_match_threshold": result.suggested_match,
                               "suggested_review_threshold": result.suggested_review,
                               "measured": result.measured}, indent=1))
        return
    cols = ["threshold", "match", "est_precision", "est_recall", "est_f1"] + (
        ["precision", "recall", "f1"] if result.measured else [])
    click.echo("  ".join(f"{c:>13}" for c in cols))
    for r in result.rows:
        click.echo("  ".join(f"{r[c]:>13}" for c in cols))
    click.echo(f"suggested: --match-threshold {result.suggested_match} --review-threshold {result.suggested_review}")


@main.command("synth")
@click.option("--registry", "registry", type=int, required=True, help="Registry rows.")
@click.option("--list", "list_size", type=int, required=True, help="List rows.")
@click.option("--out", required=True, type=click.Path(path_type=str), help="Output directory.")
@click.option("--latin", is_flag=True, help="Write the list in Latin script (mixed transliteration schemes).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--genuine", type=float, default=0.9, show_default=True, help="Share of list entries from the registry.")
@click.option("--namesakes", type=float, default=0.3, show_default=True,
              help="Share of the invented entries that copy a registry person's full name.")
@click.option("--duplicates", type=float, default=0.03, show_default=True, help="Share of duplicate listings.")
@click.option("--heavy-namesakes", is_flag=True, help="Concentrate the name distribution (many namesakes).")
@click.option("--damage", type=float, default=1.0, show_default=True, help="Scale of every damage rate.")
@click.option("--style", type=click.Choice(["ru", "us", "hands"]), default="ru", show_default=True,
              help="ru: a Russian personnel registry and list; us: a Social-Security-style registry and a "
                   "census or tax-form list (--form); hands: a second compiler's roster (Код ids, name in one cell "
                   "in other orders, ranks inside it, Ukrainian/Belarusian romanizations, contradicting namesakes).")
@click.option("--form", type=click.Choice(["census", "tax"]), default="census", show_default=True,
              help="With --style us: the list's kind (census households, or tax forms with SSNs).")
@click.option("--force", is_flag=True, help="Replace the rosters of an earlier `linker synth` in --out.")
def synth_cmd(registry, list_size, out, latin, seed, genuine, namesakes, duplicates, heavy_namesakes, damage,
              style, form, force):
    """A synthetic registry, a damaged list drawn from it, and truth.csv.

    \b
    Example:
      linker synth --registry 20000 --list 1000 --out rosters/ru --seed 1
      linker synth --style us --form tax --registry 20000 --list 1000 --out rosters/us --seed 1
    """
    from .outdir import OutputDir, install_signal_handlers
    from .synthetic.ru import synth_rosters, write_synth

    install_signal_handlers()
    with OutputDir(out, command="synth", force=force) as target:
        reg, lst, truth = synth_rosters(registry, list_size, style=style, form=form, latin=latin, seed=seed,
                                        genuine=genuine, namesakes=namesakes, duplicates=duplicates,
                                        heavy_namesakes=heavy_namesakes, damage=damage)
        with target.staging() as tmp:
            write_synth(tmp, reg, lst, truth)
    click.echo(f"wrote {out}/registry.csv ({len(reg)} rows), {out}/list.csv ({len(lst)} rows), {out}/truth.csv")


@main.command("verify")
@click.argument("out_dir", metavar="DIR", type=click.Path(path_type=str))
@click.argument("list_file", metavar="LIST", type=click.Path(path_type=str))
@click.argument("registry_file", metavar="REGISTRY", type=click.Path(path_type=str))
def verify_cmd(out_dir, list_file, registry_file):
    """Whether LIST and REGISTRY are the files the report in DIR was made from (sha256 and size), and
    whether DIR's matches.csv and model.json are the ones the report records. Exit 0 if all agree, 1 if not.

    \b
    Example:
      linker verify report/ list.csv registry.csv
    """
    from .prepared import is_index, registry_file_of
    from .report.provenance import verify

    if is_index(registry_file):            # an index of `linker index`: the registry file it was made from
        registry_file = registry_file_of(registry_file)
    checks = verify(out_dir, list_file, registry_file)
    for c in checks:
        click.echo(f"{'ok' if c.ok else 'DIFFERS':>7}  {c.what}: {c.detail}")
    if all(c.ok for c in checks):
        click.echo(f"the report in {out_dir} was made from these files")
        return
    click.echo(f"the report in {out_dir} was NOT made from these files, or its outputs were changed", err=True)
    sys.exit(1)


@main.command("evaluate")
@click.argument("matches_file", metavar="MATCHES", type=click.Path(path_type=str))
@click.argument("truth_file", metavar="TRUTH", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
def evaluate_cmd(matches_file, truth_file, as_json):
    """Precision, recall and F1 of the `match` decisions of MATCHES against TRUTH.

    \b
    Example:
      linker evaluate report/matches.csv fixtures/ru/truth.csv
    """
    import json

    from .evaluation import evaluate, read_truth
    from .io import read_table

    from .evaluation.clusters import evaluate_clusters, evaluate_duplicate_listings

    table = read_table(matches_file)
    if "cluster_id" in table.columns:  # clusters.csv of linker dedupe: pairwise scores
        d = {"pairs": evaluate_clusters(table, read_table(truth_file), source=matches_file).to_dict()}
    else:
        truth = read_truth(truth_file)
        d = evaluate(table, truth, source=matches_file).to_dict()
        if "duplicate_of" in table.columns and truth.attrs.get("truth_format") == "entries":
            d["duplicate_listings"] = evaluate_duplicate_listings(table, truth).to_dict()
    if as_json:
        click.echo(json.dumps(d, indent=1))
        return
    for key, value in d.items():
        if isinstance(value, dict):
            click.echo(f"{key}: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                                              for k, v in value.items()))
        elif isinstance(value, float):
            click.echo(f"{key:>22}: {value:.4f}")
        else:
            click.echo(f"{key:>22}: {value}")


if __name__ == "__main__":  # pragma: no cover
    main()
