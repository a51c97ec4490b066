"""The programme report in a real browser: the system's headless Chromium, driven by
Playwright (which never downloads a browser here: it is given the system's).

What a reader sees: the executive summary first, headings in words, every table
with its caption, nothing wider than the page on a laptop, a phone or A4 paper;
printing to PDF works; and the page asks for nothing from outside, not even when
data tries to smuggle a link in.

Skips, saying why, where Playwright or Chromium is missing (``apt-get install
chromium``; ``.ci/run`` installs it). With ``MENTORMATCH_REQUIRE_BROWSER=1`` (set by
CI once Chromium is there) a missing browser fails instead of skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mentormatch.kpis import (
    ProgrammeReport,
    Relationship,
    Targets,
    load_demo_relationships,
    programme_report,
)

AS_OF = date(2026, 3, 1)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def _missing(reason: str) -> None:
    if os.environ.get("MENTORMATCH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MENTORMATCH_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def _chromium() -> str:
    given = os.environ.get("MENTORMATCH_CHROMIUM")
    if given:
        return given
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    _missing(
        "no Chromium on this machine (looked for "
        + ", ".join(CANDIDATES)
        + " on PATH, and $MENTORMATCH_CHROMIUM); install it with `apt-get install chromium`"
    )
    raise AssertionError  # pragma: no cover - _missing skips or fails


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install playwright; it is in the dev extra)")
    executable = _chromium()
    with sync_playwright() as p:
        try:
            # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
            launched = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        except Error as exc:
            _missing(f"Chromium at {executable} does not start: {str(exc).splitlines()[0]}")
        yield launched
        launched.close()


def _report(**kwargs: Any) -> ProgrammeReport:
    defaults: dict[str, Any] = {
        "as_of": AS_OF,
        "targets": Targets(
            {"completion_rate": 0.7, "early_termination_rate": 0.2, "meeting_cadence": 1.0},
            goal="Help new managers grow into the role within a year",
            name="Demo programme",
        ),
        "by": ["department", "cohort"],
    }
    defaults.update(kwargs)
    return programme_report(kwargs.pop("relationships", load_demo_relationships()), **defaults)


class Opened:
    """A report opened from its file, with every request the page made."""

    def __init__(self, browser: Any, path: Path, width: int = 1280) -> None:
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on("request", lambda request: self.requests.append(request.url))
        # anything but the page itself is refused, so a leak cannot reach the network
        self.page.route(
            "**/*",
            lambda route: route.continue_() if route.request.url == self.url else route.abort(),
        )
        self.page.goto(self.url, wait_until="load")

    def js(self, script: str) -> Any:
        return self.page.evaluate(script)

    def overflowing(self) -> list[str]:
        """Elements whose right edge passes the page's width, and whether it scrolls."""
        return list(
            self.js(
                """() => {
                const width = document.documentElement.clientWidth;
                const out = [];
                if (document.documentElement.scrollWidth > width + 1)
                    out.push(`page scrolls: ${document.documentElement.scrollWidth} > ${width}`);
                for (const el of document.querySelectorAll('body *')) {
                    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
                    const r = el.getBoundingClientRect();
                    if (r.width && r.right > width + 1)
                        out.push(`${el.tagName.toLowerCase()} ends at ${Math.round(r.right)} > ${width}`);
                }
                return out;
            }"""
            )
        )


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    _report().save_html(path)
    return path


def test_the_summary_comes_first_under_headings_in_words(browser: Any, page_file: Path) -> None:
    opened = Opened(browser, page_file)
    headings = opened.js(
        "() => [...document.querySelectorAll('h1, h2')].map(h => [h.tagName, h.innerText])"
    )
    assert headings[0] == ["H1", "Demo programme"]
    assert headings[1] == ["H2", "Executive summary"]
    assert ["H2", "Completion rate by department"] in headings
    assert not any("_" in text for _, text in headings), headings
    # the summary is the first thing on screen: above the fold, before every other section
    summary = opened.js(
        "() => { const r = document.querySelector('.summary').getBoundingClientRect();"
        " return [r.top, r.bottom]; }"
    )
    assert summary[1] < 900
    first = opened.js("() => document.querySelector('main').firstElementChild.className")
    assert first == "summary"
    verdict = opened.js("() => document.querySelector('.summary .verdict').innerText")
    assert verdict.startswith("Verdict: 1 of 3 targets is met (meetings per pair-month);")
    opened.page.close()


def test_every_table_has_a_caption_and_headers_with_scope(browser: Any, page_file: Path) -> None:
    opened = Opened(browser, page_file)
    tables = opened.js(
        """() => [...document.querySelectorAll('table')].map(t => ({
            caption: t.caption ? t.caption.innerText : null,
            head: t.tHead ? [...t.tHead.querySelectorAll('th')].every(th => th.scope === 'col') : false,
            rows: [...t.tBodies[0].rows].every(r => r.cells[0].tagName === 'TH' && r.cells[0].scope === 'row'),
            visible: t.caption ? t.caption.getBoundingClientRect().height > 0 : false,
        }))"""
    )
    assert len(tables) >= 6
    for table in tables:
        assert table["caption"] and table["head"] and table["rows"] and table["visible"], table
    opened.page.close()


@pytest.mark.parametrize("width", [1280, 768, 390], ids=["laptop", "tablet", "phone"])
def test_nothing_is_wider_than_the_page(browser: Any, page_file: Path, width: int) -> None:
    opened = Opened(browser, page_file, width)
    assert opened.overflowing() == []
    opened.page.close()


def test_the_figures_are_drawn_inline(browser: Any, page_file: Path) -> None:
    pytest.importorskip("matplotlib")
    opened = Opened(browser, page_file, 768)
    figures = opened.js(
        """() => [...document.querySelectorAll('figure svg')].map(s => {
            const r = s.getBoundingClientRect();
            return [r.width, r.height, s.getAttribute('role'), s.querySelector('title').textContent];
        })"""
    )
    assert len(figures) >= 3
    for width, height, role, title in figures:
        assert 100 < width <= 768 and height > 50 and role == "img" and title
    opened.page.close()


def test_it_prints_to_pdf(browser: Any, page_file: Path, tmp_path: Path) -> None:
    opened = Opened(browser, page_file)
    opened.page.emulate_media(media="print")
    # the print stylesheet applies: no coloured panel, verdict colours in black
    background = opened.js(
        "() => getComputedStyle(document.querySelector('.summary')).backgroundColor"
    )
    assert background in ("rgba(0, 0, 0, 0)", "transparent")
    pdf = opened.page.pdf(path=str(tmp_path / "report.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-") and (tmp_path / "report.pdf").read_bytes() == pdf
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages >= 2  # a real document, laid out over pages
    # on A4 paper (about 680 CSS pixels inside the margins) nothing is cut off either
    opened.page.set_viewport_size({"width": 680, "height": 960})
    assert opened.overflowing() == []
    opened.page.close()


def test_the_page_requests_nothing_from_outside(browser: Any, page_file: Path) -> None:
    opened = Opened(browser, page_file)
    opened.page.wait_for_load_state("networkidle")
    assert opened.requests == [opened.url]
    opened.page.close()


def test_data_cannot_make_the_page_fetch_anything(browser: Any, tmp_path: Path) -> None:
    evil = '"><img src="http://evil.example/x.png"><link rel=stylesheet href=//evil.example/s.css>'
    rels = [
        Relationship(
            mentee_id=f"e{i}",
            mentor_id="m1",
            started=date(2025, 3, 1),
            status="completed",
            ended=date(2025, 12, 1),
            attributes={"department": evil if i < 6 else "Other"},
        )
        for i in range(12)
    ]
    path = tmp_path / "evil.html"
    programme_report(
        rels, as_of=AS_OF, by="department", targets=Targets({}, goal=evil, name=evil)
    ).save_html(path)
    opened = Opened(browser, path)
    opened.page.wait_for_load_state("networkidle")
    assert opened.requests == [opened.url]
    assert opened.js("() => document.querySelectorAll('img, link, script').length") == 0
    assert evil in opened.js("() => document.querySelector('h1').innerText")  # shown as text
    opened.page.close()
