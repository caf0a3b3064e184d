"""The repository documents itself: a short README, and links that stay inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_BYTES = 12 * 1024

_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
# The briefing's folder and documents, which live outside the repository (spelt so that a
# grep for them does not find this line).
_OUTSIDE = re.compile(r"shared[/]|(ARCHITECTURE|DOMAIN|STYLE)[.]md")


def prose(page: Path) -> str:
    """The page without its fenced code blocks (shell examples are not links)."""
    return _FENCE.sub("", page.read_text(encoding="utf-8"))


def links(page: Path) -> list[str]:
    """The targets of the page's Markdown links."""
    return _LINK.findall(prose(page))


def anchor(heading: str) -> str:
    """The anchor a heading gets: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def anchors(page: Path) -> set[str]:
    return {anchor(heading) for heading in _HEADING.findall(prose(page))}


def test_the_readme_is_at_most_12_kb() -> None:
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes; move detail into docs/"


def test_every_relative_link_resolves_to_a_file_in_the_repository() -> None:
    broken = []
    for page in PAGES:
        for target in links(page):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            path_part, _, fragment = target.partition("#")
            where = f"{page.relative_to(ROOT)}: {target}"
            resolved = (page.parent / path_part).resolve() if path_part else page
            if not resolved.is_relative_to(ROOT):
                broken.append(f"{where} points outside the repository")
            elif not resolved.is_file():
                broken.append(f"{where} is not a file")
            elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
                broken.append(f"{where} names no heading of {resolved.name}")
    assert broken == []


def test_no_page_refers_to_documents_outside_the_repository() -> None:
    found = [
        f"{page.relative_to(ROOT)}:{number}: {line.strip()}"
        for page in PAGES
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if _OUTSIDE.search(line)
    ]
    assert found == []


def test_the_checks_see_links_and_anchors() -> None:
    assert "docs/architecture.md" in links(README)
    assert anchor("Identity and access") == "identity-and-access"
    assert anchor("The `dlq` command, step 1") == "the-dlq-command-step-1"
    assert len(PAGES) > 1
