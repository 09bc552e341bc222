"""The errors linker raises for a user's mistake.

    LinkerError               anything linker reports as a one-line message, exit code 2
     ├── InputError           a file, encoding, column, row or id that cannot be used
     ├── ConfigError          an option, mapping or config file that makes no sense
     └── BlockingError        blocking rules that would produce too many (or no) pairs

Every message says what was wrong, with the value seen, and what to do, in the form
``<file>[:<row or column>]: what is wrong; what to do``. The CLI prints ``Error: <message>`` and
exits 2; any other exception is a bug (exit 1).
"""

from __future__ import annotations


class LinkerError(Exception):
    """Base of every error meant for the user."""

    exit_code = 2


class InputError(LinkerError):
    """A file, encoding, column, row or id that cannot be used."""


class ConfigError(LinkerError, ValueError):
    """An option, mapping or configuration file that makes no sense (also a ``ValueError``: a bad argument)."""


class BlockingError(LinkerError):
    """Blocking rules that would produce too many candidate pairs, or none."""
