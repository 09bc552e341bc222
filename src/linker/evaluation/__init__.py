"""Scores of a run against truth: entry decisions (`entries`: precision, recall, F1 of `match`) and clusters
(`clusters`: pairwise scores of `linker dedupe`, and of the duplicate listings a match run flags)."""

from .clusters import PairScore, evaluate_clusters, evaluate_duplicate_listings
from .entries import Evaluation, evaluate, normalize_truth, read_matches, read_truth

__all__ = ["Evaluation", "PairScore", "evaluate", "evaluate_clusters", "evaluate_duplicate_listings",
           "normalize_truth", "read_matches", "read_truth"]
