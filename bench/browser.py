"""How long headless Chromium takes to draw a map page: shared by bench/run.py and bench/viz_scale.py."""

from __future__ import annotations

import statistics
import time
from pathlib import Path


def drawn_seconds(page: Path, runs: int = 3) -> float | str:
    """Median seconds from opening ``page`` to its first complete drawing (``body[data-drawn=true]``)."""
    from kg.viz import chromium

    if not chromium():
        return "no Chromium here"
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for _ in range(runs):
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.perf_counter()
            tab.goto(page.as_uri())
            tab.wait_for_selector("body[data-drawn=true]", timeout=120_000)
            times.append(time.perf_counter() - start)
            tab.close()
        browser.close()
    return statistics.median(times)
