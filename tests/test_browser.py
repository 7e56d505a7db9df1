"""The running app in a real browser: Debian's headless Chromium driven by Playwright.

`govkg app` serves a private copy of the sample database on a free port; every page is opened
by its address, must show no exception box and its expected content, and is saved as a
screenshot in docs/screenshots/. Downloads and uploads go through the browser too.

Chromium comes from Debian (`/usr/bin/chromium`, with fonts-noto-cjk so Chinese renders);
scripts/install-browser.sh installs both where it can. The test skips, saying why, only where
Chromium is not installed and cannot be.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

# url path → (file name of the screenshot, texts the page must show)
PAGES = {
    "": ("01-overview", ["概览 Overview", "报告分布", "没有导入失败的文件"]),
    "measures": ("02-measures", ["措施 Measures", "行政执法三项制度", "证据句 Evidence sentences"]),
    "cooccurrence": ("03-cooccurrence", ["共现 Co-occurrence", "出庭应诉率"]),
    "regions": ("04-regions", ["地区 Regions", "地区画像 Profile", "福建省"]),
    "explorer": ("05-explorer", ["图谱探索 Graph explorer", "行政执法三项制度"]),
    "console": ("06-console", ["查询 Query console", "三项制度"]),
    "export": ("07-export", ["导出 Export", "下载 Downloads", "GraphML"]),
    "upload": ("08-upload", ["上传 Upload", "报告文件 Report files"]),
    "curation": ("09-curation", ["校正 Curation", "已有校正 Corrections"]),
}


def _chromium() -> str:
    if not Path(CHROMIUM).exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "install-browser.sh")], capture_output=True, timeout=900)
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed and scripts/install-browser.sh could not install it "
                    "(needs root and Debian's apt): apt-get install -y chromium fonts-noto-cjk")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    """`govkg app` on a free port over a private copy of the sample database; stopped afterwards."""
    _chromium()
    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "sample.lbdb"
    shutil.copy(sample_db, db)
    port = _free_port()
    env = dict(os.environ, GOVKG_DB=str(db), GOVKG_STORE="embedded", GOVKG_DATA=str(tmp / "data"),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop("GOVKG_NEO4J_URI", None)
    log = open(tmp / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "govkg", "app", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.flush()
                pytest.fail(f"the app did not start: {(tmp / 'app.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield {"base": base, "tmp": tmp, "log": tmp / "app.log"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # govkg app and the streamlit it started, nothing else
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1500}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


def settle(pg, timeout: float = 120.0) -> float:
    """Wait until the script run has finished (no running indicator for a second); returns seconds."""
    start = time.time()
    pg.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    quiet_since = None
    while time.time() - start < timeout:
        running = pg.locator('[data-testid="stStatusWidget"]').count() > 0 or pg.locator(
            '[data-testid="stSkeleton"]').count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since > 1.0:
            return quiet_since - start
        time.sleep(0.1)
    raise AssertionError(f"the page was still running after {timeout:g} s")


_VISIBLE_TEXT = """(t) => {
  const shown = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)
                     && getComputedStyle(e).visibility !== 'hidden';
  for (const e of document.querySelectorAll('input, textarea'))
    if (e.value && e.value.includes(t) && shown(e)) return true;
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const n = walk.currentNode;
    if (n.nodeValue.includes(t) && n.parentElement && shown(n.parentElement)) return true;
  }
  return false;
}"""


def expect_text(pg, text: str) -> None:
    """Wait until `text` is on screen: in a shown element, or the value of a shown input (select boxes)."""
    pg.wait_for_function(_VISIBLE_TEXT, arg=text, timeout=30000)


def no_exception(pg) -> None:
    boxes = pg.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()[:2000]


def open_page(pg, server, path: str) -> float:
    """Open a page by its address; returns the seconds until its title showed."""
    start = time.time()
    pg.goto(f"{server['base']}/{path}")
    expect_text(pg, PAGES[path][1][0])
    took = time.time() - start
    settle(pg)
    return took


def test_every_page_renders_with_its_content_and_a_screenshot(page, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    timings = {}
    for path, (shot, texts) in PAGES.items():
        timings[shot] = open_page(page, server, path)
        if path == "cooccurrence":  # narrow the pairs to an indicator so its name is on the page, not only in the chart
            box = page.get_by_label("指标筛选 Indicator contains")
            box.fill("出庭应诉率")
            box.press("Enter")
            settle(page)
        if path == "explorer":  # the network is drawn in the component's frame
            page.frame_locator("iframe").first.locator("canvas").first.wait_for(timeout=30000)
            page.wait_for_timeout(2500)  # the force layout settles
            settle(page)
        if path == "console":
            page.get_by_role("button", name="运行 Run").first.click()
            settle(page)
            expect_text(page, "行 rows")
        for text in texts:
            try:
                expect_text(page, text)
            except Exception:
                page.screenshot(path=str(SHOTS / f"failed-{shot}.png"), full_page=True)
                raise
        no_exception(page)
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
        if path == "regions":  # the other two tabs: a comparison and adoption across provinces
            for tab, extra, text in (("对比 Compare", "04b-regions-compare", "两者 both"),
                                     ("各省采纳 Adoption by province", "04c-regions-adoption", "措施数 Measures shown")):
                page.get_by_role("tab", name=tab).click()
                expect_text(page, text)
                page.wait_for_timeout(800)
                no_exception(page)
                page.screenshot(path=str(SHOTS / f"{extra}.png"), full_page=True)
    # the first load imports the analytics libraries; later pages come from a warm server
    assert all(t < 20 for t in timings.values()), timings


def test_sidebar_filter_and_navigation_keep_the_scope(page, server):
    open_page(page, server, "")
    side = page.locator('[data-testid="stSidebar"]')
    side.get_by_role("combobox", name="地区 Region").click()
    page.get_by_role("option", name="宁夏回族自治区 (640000)").first.click()
    settle(page)
    side.get_by_role("link", name="措施 Measures").click()
    settle(page)
    expect_text(page, "范围 Scope: 宁夏回族自治区")
    no_exception(page)


def test_export_downloads_a_graphml_file_networkx_reads(page, server, tmp_path):
    import networkx as nx

    open_page(page, server, "export")
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name="GraphML (Gephi, yEd, networkx)").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.suffix == ".graphml"
    g = nx.read_graphml(target)
    reports = [n for n, d in g.nodes(data=True) if d.get("label") == "Report"]
    assert len(reports) == 5
    assert any("行政执法三项制度" in str(d.values()) for _, d in g.nodes(data=True))


def test_upload_through_the_browser_ingests_and_reports_a_bad_file(page, server, tmp_path):
    good = tmp_path / "惠农区 2023 报告.txt"
    good.write_bytes((ROOT / "data" / "reports" / "002_4d08be111e600d4c.txt").read_bytes()
                     .replace("平罗县".encode(), "惠农区".encode()))
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"not really a pdf")
    open_page(page, server, "upload")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(good), str(bad)])
    page.get_by_role("button", name="导入 Ingest").wait_for(timeout=30000)
    settle(page)
    page.get_by_role("button", name="导入 Ingest").click()
    settle(page, timeout=120)
    expect_text(page, "已添加 added")
    expect_text(page, "corrupt or unreadable PDF")
    no_exception(page)
    saved = sorted(p.name for p in (server["tmp"] / "data" / "uploads").iterdir())
    assert "惠农区_2023_报告.txt" in saved and "scan.pdf" in saved


def test_clicking_a_node_in_the_explorer_shows_its_details(page, server):
    open_page(page, server, "explorer")
    frame = page.frame_locator("iframe").first
    frame.locator("canvas").first.wait_for(timeout=30000)
    settle(page)
    node = "Report:002_4d08be111e600d4c.txt"
    handle = next(f for f in page.frames if "st_link_analysis" in f.url)
    handle.wait_for_function("() => !!document.getElementById('cy')?._cyreg?.cy", timeout=30000)
    assert handle.evaluate(f"() => document.getElementById('cy')._cyreg.cy.getElementById('{node}').length") == 1
    handle.evaluate(f"() => document.getElementById('cy')._cyreg.cy.getElementById('{node}').emit('tap')")
    expect_text(page, "报告 Report: 平罗县2023年度法治政府建设情况报告")
    settle(page)
    no_exception(page)
