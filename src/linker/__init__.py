"""linker: record linkage and deduplication — check a list of people against a registry, find the people
listed twice, and publish a verification report.

    import linker
    r = linker.match("list.csv", registry_df, match_threshold=0.9)
    r.matches, r.counts, r.expected_genuine, r.chance, r.explain("17"), r.write("report/")

See `linker.api` for every call; the `linker` command is a thin face over them.
"""

__version__ = "0.1.0"     # first: modules imported below read it

from .api import (
    Counts, DedupeResult, ExpectedGenuine, Lookup, MatchResult, SynthRosters, dedupe, evaluate, index, lookup, match,
    read_table, synth, tune,
)
from .errors import BlockingError, ConfigError, InputError, LinkerError
from .model import Model
from .settings import Settings

__all__ = [
    "BlockingError", "ConfigError", "Counts", "DedupeResult", "ExpectedGenuine", "InputError", "LinkerError", "Lookup",
    "MatchResult", "Model", "Settings", "SynthRosters", "__version__", "dedupe", "evaluate", "index", "lookup", "match", "read_table",
    "synth", "tune",
]
