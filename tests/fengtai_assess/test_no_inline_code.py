"""No template carries inline script, inline style or an on* handler (the CSP refuses them).

The browser walk (test_csp_browser.py) sees the pages it can reach; this reads every template,
error pages included, so one no walk reaches cannot slip through."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "on* handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_have_no_inline_code():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert offenders == []


def test_the_error_page_takes_its_style_from_a_static_file():
    page = (ROOT / "templates" / "500.html").read_text(encoding="utf-8")
    assert "{% static 'css/error.css' %}" in page
    assert (ROOT / "static" / "css" / "error.css").is_file()
