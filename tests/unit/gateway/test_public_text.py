"""The public pages' text: both languages say the same things, and every key a template uses
is there."""

from __future__ import annotations

import re
from pathlib import Path

from gateway.public.text import TEXT, language_of

TEMPLATES = Path(__file__).parents[3] / "gateway" / "public" / "templates"


def test_both_languages_have_the_same_keys() -> None:
    assert set(TEXT["zh-CN"]) == set(TEXT["en"])


def test_every_key_the_templates_name_exists() -> None:
    named = {
        key
        for template in TEMPLATES.glob("*.html")
        for key in re.findall(r"t\[\"([a-z.]+)\"\]|t\.([a-z]+)", template.read_text())
        for key in key
        if key
    }
    assert named, "the templates name no text"
    assert named <= set(TEXT["en"]), named - set(TEXT["en"])


def test_zh_cn_unless_english_is_asked_for() -> None:
    assert language_of(None) == "zh-CN"
    assert language_of("EN") == "en"
    assert language_of("fr") == "zh-CN"
