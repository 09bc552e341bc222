"""Engines: where the pipeline's row and pair stages run (`linker.pipeline.Engine`).

``local`` runs them in this process; ``spark`` on Apache Spark (``pip install 'linker[spark]'``).
"""

from __future__ import annotations

from ..errors import ConfigError

ENGINES = ("local", "spark")


def get_engine(engine, *, spark_master: str | None = "local[2]", quiet: bool = True):
    """An engine by name (``local``, ``spark``), or ``engine`` itself when it is already one."""
    if not isinstance(engine, str):
        return engine
    if engine == "local":
        from .local import LocalEngine
        return LocalEngine()
    if engine == "spark":
        from .spark import SparkEngine
        return SparkEngine(spark_master, quiet=quiet)
    raise ConfigError(f"--engine {engine}: unknown engine; use {' or '.join(ENGINES)}")
