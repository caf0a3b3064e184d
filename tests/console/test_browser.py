"""The console's journeys (web/e2e/, Playwright) in chromium, against the whole platform."""

from __future__ import annotations

import pytest

from tests.console.conftest import WEB, npx, require_web
from tests.gateway.conftest import Platform

PLAYWRIGHT_MINUTES = 25
# Screenshots, traces, Playwright's report and the run's whole output.
ARTEFACTS = WEB.parent / "var" / "console-artefacts"


# The platform's start and the whole Playwright run; the suite's 120 s is for ordinary tests.
@pytest.mark.timeout(PLAYWRIGHT_MINUTES * 60 + 300)
async def test_console_journeys_in_chromium(platform: Platform) -> None:
    require_web("dist/index.html", "node_modules")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    finished = await npx(
        "playwright",
        "test",
        within=PLAYWRIGHT_MINUTES * 60,
        env={
            "CONSOLE_URL": platform.gateway_url,
            "PLAYWRIGHT_ARTEFACTS": str(ARTEFACTS),
            # A failed run must not wait for someone to close the report it serves.
            "PLAYWRIGHT_HTML_OPEN": "never",
        },
    )
    # Written after the run: Playwright empties its output folder when it starts.
    output = ARTEFACTS / "playwright-output.log"
    output.write_text("\n".join(finished.lines) + "\n", encoding="utf-8")
    if finished.status != 0:
        pytest.fail(
            f"Playwright failed (exit {finished.status}); its last lines:\n{finished.tail()}\n"
            f"All of it in {output}; screenshots, traces and the report under {ARTEFACTS}",
            pytrace=False,
        )
