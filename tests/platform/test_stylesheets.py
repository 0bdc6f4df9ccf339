"""Our stylesheets are plain CSS: an unclosed rule does not fail loudly, browsers that support CSS nesting
read every later rule as nested inside it, so those rules silently stop applying."""

import re
from pathlib import Path

import pytest
from django.conf import settings

STYLESHEETS = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))


def rule_nesting(css: str) -> list[str]:
    """The selectors of rules opened inside another rule (at-rules such as @media may hold rules)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    open_blocks: list[str] = []
    nested = []
    prelude = ""
    for char in css:
        if char == "{":
            selector = prelude.strip().split(";")[-1].strip()
            if open_blocks and not open_blocks[-1].startswith("@"):
                nested.append(selector)
            open_blocks.append(selector)
            prelude = ""
        elif char == "}":
            if not open_blocks:
                nested.append("unmatched }")
            else:
                open_blocks.pop()
            prelude = ""
        else:
            prelude += char
    return nested + [f"unclosed {selector}" for selector in open_blocks]


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_stylesheet_rules_are_closed_and_not_nested(path):
    assert rule_nesting(path.read_text()) == []


def test_rule_nesting_finds_an_unclosed_rule():
    assert rule_nesting(".a {\n  color: red;\n.b {\n  color: blue;\n}\n") == [".b", "unclosed .a"]
