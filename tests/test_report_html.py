"""``planner report`` writes report.html: one self-contained file, opened in real headless Chromium.

The browser part runs Debian's ``chromium`` (installed by ``.ci/run``): it loads a copy of the
report with a probe script appended (the report itself carries no script) and dumps the DOM the
probe filled in — the rates, the rankings, every chart's SVG bounding boxes, the resources the
page requested (none) — then takes a screenshot of the report itself, kept under
``test-artefacts/`` in the repository root. Without a browser the browser tests skip, except
under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planner.report.aggregates import Aggregator
from planner.report.html import ReportSample, render_html, stacked_bars
from planner.report.pipeline import ReportRun
from planner.results import CheckStats

from .conftest import EXAMPLES, ROOT

PLANNER = Path(sys.executable).with_name("planner")
DISTRICT = EXAMPLES / "district"
ARTEFACTS = ROOT / "test-artefacts"
PRE_EXIT_2808 = "522425-101-0001"
ONE_ROOM = "522425-102-0002"


def planner(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANNER), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example district's report in Chinese (default) and in English."""
    out = tmp_path_factory.mktemp("html")
    written = {}
    for lang, extra in (("zh", ()), ("en", ("--lang", "en"))):
        done = planner("report", DISTRICT, "--out", out / lang, *extra, cwd=out)
        assert done.returncode == 0, done.stderr
        written[lang] = out / lang / "report.html"
    return written


class _Scan(HTMLParser):
    """Every tag and attribute of a document, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def scan(text: str) -> _Scan:
    parser = _Scan()
    parser.feed(text)
    return parser


def test_the_report_is_one_file_that_names_nothing_outside_it(reports: dict[str, Path]) -> None:
    for path in reports.values():
        assert sorted(p.name for p in path.parent.iterdir()) == [
            "ledger.xlsx", "manifest.json", "report.html", "report.json"]
        text = path.read_text(encoding="utf-8")
        parsed = scan(text)
        tags = {tag for tag, _ in parsed.tags}
        assert not tags & {"script", "link", "img", "iframe", "object", "embed", "image", "use"}
        for _, attrs in parsed.tags:
            assert not {"src", "href", "xlink:href", "srcset", "action"} & set(attrs)
        assert not re.search(r"https?:|url\(|@import|@font-face|//[a-z]", text, re.I)
        assert "@media print" in text


def test_chinese_by_default_english_on_request(reports: dict[str, Path]) -> None:
    zh = reports["zh"].read_text(encoding="utf-8")
    en = reports["en"].read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in zh and "项目竣工率" in zh and "整改台账" in zh
    assert '<html lang="en">' in en and "Project completion" in en
    assert "Rectification ledger" in en and "整改台账" not in en


def test_the_speech_facts_are_in_the_report(reports: dict[str, Path]) -> None:
    text = reports["zh"].read_text(encoding="utf-8")
    rates = dict(re.findall(r'data-rate="(\w+)" data-area="河口镇">([\d.]+%)', text))
    assert rates == {"completion": "52.6%", "disbursement": "45.0%"}
    assert re.findall(r'data-benchmark="(\w+)">([\d.]+%)', text)[:2] == [
        ("completion", "87.9%"), ("disbursement", "88.5%")]
    ledger = text[text.index('id="ledger"'):]
    rows = re.findall(r'<tr data-code="(\w+)">(.*?)</tr>', ledger)
    by_key = {(code, re.findall(r"<td[^>]*>(.*?)</td>", row)[3]): re.findall(
        r"<td[^>]*>(.*?)</td>", row) for code, row in rows}
    for household, code, measure in ((PRE_EXIT_2808, "INC001", "扶贫小额信贷"),
                                     (ONE_ROOM, "HOU001", "农村危房改造")):
        cells = by_key[(code, household)]
        assert measure in cells[5]
        assert re.fullmatch(r"\w\*+", cells[7])  # the helper, masked
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells[8])
        assert cells[9] == "待整改"
    assert "2808 元" in ledger


def test_every_problem_kind_has_an_example(reports: dict[str, Path]) -> None:
    report = json.loads((reports["zh"].parent / "report.json").read_text(encoding="utf-8"))
    text = reports["zh"].read_text(encoding="utf-8")
    examples = text[text.index('id="examples"'):text.index('id="sec-ledger"')]
    assert re.findall(r'<tr data-code="(\w+)">', examples) == sorted(report["county"]["by_code"])


def test_everything_is_escaped() -> None:
    chart = stacked_bars("c<1>", "<b>t</b>", [("<script>x</script>", [1, 2])],
                         ["a&b", '"q"'], empty="none")
    assert "<script>" not in chart and "<b>" not in chart
    assert "&lt;script&gt;" in chart and "a&amp;b" in chart and "&quot;q&quot;" in chart
    counter = Aggregator(date(2020, 9, 30))
    report = ReportRun(aggregates=counter.result(), stats=CheckStats(), inputs={},
                       ledger_rows=0, ledger_open=0, lang="zh", sample=ReportSample())
    report.aggregates.county.name = "<i>县</i>"
    page = render_html(report)
    assert "<i>" not in page and "&lt;i&gt;县&lt;/i&gt;" in page
    assert "无数据" in page  # an empty chart says so


# --- in a real browser -------------------------------------------------------------------

#: Run at the load event: by then every resource the page asked for, loaded or failed, is listed.
PROBE = """<script>
addEventListener('load', function () {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const box = (e) => { const b = e.getBBox(); return [b.width, b.height]; };
  const out = {
    rates: Object.fromEntries(q('td.rate').map(
      (td) => [td.dataset.area + '/' + td.dataset.rate, td.textContent])),
    rankings: Object.fromEntries(q('ol[id^="rank-"]').map(
      (ol) => [ol.id.slice(5), Array.from(ol.children).map((li) => li.textContent)])),
    charts: q('svg.chart').map((svg) => ({
      id: svg.id, box: box(svg),
      client: [svg.getBoundingClientRect().width, svg.getBoundingClientRect().height],
      rects: q('#' + svg.id + ' rect').map(box),
      texts: q('#' + svg.id + ' text').map(box)})),
    ledgerRows: q('#ledger tbody tr').length,
    resources: performance.getEntriesByType('resource').map((r) => r.name),
    printRule: Array.from(document.styleSheets).some((s) => Array.from(s.cssRules).some(
      (r) => r.media && r.media.mediaText === 'print')),
  };
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""

#: No page may reach the network: every host name resolves to nothing.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND"


def chromium() -> str:
    """The browser, or skip (fail under CI, which must have it: .ci/run installs it)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but no chromium: .ci/run installs Debian's chromium")
    pytest.skip("no chromium on this machine (apt-get install chromium fonts-noto-cjk)")


def browse(page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", OFFLINE,
         f"--user-data-dir={page.parent / 'chromium-profile'}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def probed(reports: dict[str, Path]) -> dict[str, dict]:
    """What the probe read in the rendered page, per language."""
    result = {}
    for lang, path in reports.items():
        page = path.with_name("probe.html")
        page.write_text(path.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                        encoding="utf-8")
        done = browse(page, "--dump-dom")
        found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
        assert found, done.stderr[-2000:]
        result[lang] = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")
                                  .replace("&lt;", "<").replace("&gt;", ">"))
    return result


def test_the_browser_shows_the_rates_and_the_ranking(
        probed: dict[str, dict], reports: dict[str, Path]) -> None:
    zh = probed["zh"]
    assert zh["rates"]["河口镇/completion"].startswith("52.6%")
    assert zh["rates"]["河口镇/disbursement"].startswith("45.0%")
    assert "低于基准" in zh["rates"]["河口镇/completion"]
    assert zh["rates"]["青山乡/completion"] == "100.0%"
    assert zh["rankings"]["towns_by_completion"] == ["河口镇", "青山乡", "龙场镇"]
    assert zh["rankings"]["towns_by_disbursement"][0] == "河口镇"
    report = json.loads((reports["zh"].parent / "report.json").read_text(encoding="utf-8"))
    assert zh["rankings"] == report["rankings"]
    assert zh["ledgerRows"] == report["ledger"]["rows"]
    assert probed["en"]["rates"]["河口镇/completion"] == "52.6% (below benchmark)"
    assert zh["printRule"] and probed["en"]["printRule"]


def test_the_charts_render(probed: dict[str, dict]) -> None:
    for found in probed.values():
        charts = {chart["id"]: chart for chart in found["charts"]}
        assert set(charts) == {"chart-families", "chart-workload"}
        for chart in charts.values():
            assert min(chart["box"]) > 0 and min(chart["client"]) > 0, chart["id"]
            # bars and legend keys: the families chart has a bar per town and family present
            assert len(chart["rects"]) >= 6, chart["id"]
            assert all(w > 0 and h > 0 for w, h in chart["rects"]), chart["id"]
            assert all(w > 0 and h > 0 for w, h in chart["texts"]), chart["id"]


def test_the_page_requests_nothing(probed: dict[str, dict]) -> None:
    for found in probed.values():
        assert found["resources"] == []


def test_a_screenshot_and_a_printout_are_kept(reports: dict[str, Path]) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    for lang, path in reports.items():
        shot = ARTEFACTS / f"report-html-{lang}.png"
        shot.unlink(missing_ok=True)
        done = browse(path, f"--screenshot={shot}", "--window-size=1280,2400")
        assert shot.exists(), done.stderr[-2000:]
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
        printed = ARTEFACTS / f"report-html-{lang}.pdf"
        printed.unlink(missing_ok=True)
        done = browse(path, f"--print-to-pdf={printed}", "--no-pdf-header-footer")
        assert printed.exists(), done.stderr[-2000:]
        pages = len(re.findall(rb"/Type\s*/Page[^s]", printed.read_bytes()))
        assert pages >= 2
        print(f"screenshot: {shot}\nprinted: {printed}")
