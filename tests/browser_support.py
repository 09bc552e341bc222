"""What the browser tests share: Debian's Chromium, how to launch it offline, and the rule that it may be
missing on a developer's machine (the module skips) but never in CI (the module fails)."""
from __future__ import annotations

import os
from typing import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_chromium():
    """Playwright's sync API, or skip (fail under CI) the calling module when Chromium is absent."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install -y chromium)", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


def launch(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for a test module (import this fixture into it)."""
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()
