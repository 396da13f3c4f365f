"""Every page carries a strict CSP and safe headers; templates contain no inline code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
#: The project's templates and each app's own (``APP_DIRS``).
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]


@pytest.fixture
def home(spotify_settings) -> object:
    return Client().get("/")


def test_csp_allows_only_our_own_scripts_and_styles(home) -> None:
    policy = home["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_other_security_headers(home) -> None:
    assert home["X-Frame-Options"] == "DENY"
    assert home["X-Content-Type-Options"] == "nosniff"
    assert home["Referrer-Policy"] == "same-origin"
    assert home["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "template",
    sorted({path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")}),
    ids=lambda p: p.name,
)
def test_templates_have_no_inline_scripts_styles_or_handlers(template: Path) -> None:
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"


def test_static_files_are_served(spotify_settings) -> None:
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"--accent" in body
