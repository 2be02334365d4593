#!/usr/bin/env python3
"""Screenshots of the web app's main pages into docs/images/web-*.png (for docs/web.md).

Starts the app on a temporary SQLite store, uploads the five seed reports through the upload page
(plus one seed again as the previous year, for 同比), and photographs the pages in Debian's headless
Chromium (Playwright, 1440×900, Chinese fonts from fonts-noto-cjk). Run: ``.venv/bin/python scripts/screenshots.py``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Locator, Page, sync_playwright  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402
from tests.e2e.server import FILER_UNIT, PASSWORDS, LiveServer, add_users, launch, login  # noqa: E402

from zfxxgk import filing  # noqa: E402
from zfxxgk.model.ids import t3  # noqa: E402
from zfxxgk.parse import parse_file  # noqa: E402
from zfxxgk.render import render  # noqa: E402
from zfxxgk.store.queries import unit_reports  # noqa: E402

OUT = ROOT / "docs" / "images"
WIDTH, HEIGHT = 1440, 900


def shot(page: Page, name: str, full: bool = False, element: Locator | None = None) -> None:
    """Save a PNG reduced to a 256-colour palette (small files; JPEG would blur the Chinese text)."""
    from PIL import Image

    path = OUT / f"web-{name}.png"
    if element is not None:
        element.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full)
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


def previous_year_docx() -> bytes:
    """乔官镇's seed as a 2023 report with other figures (three more applications carried forward).

    2024's 上年结转 then does not match: the 同比 page shows a carry-over break.
    """
    seed0 = next(s for s in SEEDS if s.stem.startswith("000"))
    form = filing.form_from_report(parse_file(seed0))
    form.update(year="2023", period_start="2023-01-01", period_end="2023-12-31", signed_on="2024-01-20")
    for row in ("new_received", "carried_forward"):
        cid = t3(row, "natural_person")
        form[cid] = str(int(form[cid] or 0) + 3)
        form[t3(row, "total")] = ""  # recomputed
    return render(filing.validate(form).report, "docx")


def add_region_corpus(store, folder: Path, year: int = 2024) -> int:
    """Synthetic reports of one year in three provinces (zfxxgk synth), filed under 省/市/县, so the
    统计 page has regions to compare; returns how many were imported.
    """
    from zfxxgk import api
    from zfxxgk.synth import PLACES, iter_synth

    county_path = {county: f"{province}/{city}/{county}" for province, cities in PLACES.items()
                   if province in ("山东省", "江苏省", "浙江省") for city, counties in cities.items() for county in counties}
    n = 0
    for f in iter_synth(folder, 900, ("txt",), 0.1, seed=2024):
        unit = f.gold.get("unit") or ""
        path = next((p for county, p in county_path.items() if unit.startswith(county)), None)
        if f.gold.get("year") == year and path is not None:
            n += api.import_bytes(f.path.read_bytes(), f.path.name, store, region=path).created
    return n


def main() -> None:
    """Start the app, fill it through the browser and photograph the pages."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        previous = Path(tmp) / "昌乐县乔官镇人民政府2023年政府信息公开工作年度报告.docx"
        previous.write_bytes(previous_year_docx())
        server = LiveServer(Path(tmp) / "shots.db")
        add_users(server.store)
        browser = launch(p)
        try:
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN",
                                          device_scale_factor=1, accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(30_000)
            base = server.url

            page.goto(base + "/login")
            page.get_by_test_id("login-username").fill("admin")
            page.get_by_test_id("login-password").fill(PASSWORDS["admin"])
            shot(page, "login")
            page.get_by_test_id("login-submit").click()
            page.wait_for_url("**/reports**")

            page.goto(base + "/upload")
            page.get_by_test_id("upload-files").set_input_files([str(s) for s in SEEDS] + [str(previous)])
            page.get_by_test_id("upload-submit").click()
            page.get_by_test_id("upload-row").first.wait_for()
            # the result panel alone: Debian's Chromium labels its file chooser in English (“Choose Files”)
            # unless chromium-l10n is installed, so the form is kept out of the picture
            shot(page, "upload", element=page.get_by_test_id("upload-results"))

            page.goto(base + "/reports")
            shot(page, "reports")

            worst = unit_reports(server.store, "枣庄市台儿庄区涧头集镇人民政府")[0].id
            page.goto(base + f"/reports/{worst}")
            finding = page.locator('[data-testid="finding"].sev-error').first
            finding.get_by_test_id("decision-confirmed").check()
            finding.get_by_test_id("review-comment").fill("数据前后不一致，已通知单位更正")
            finding.get_by_test_id("review-submit").click()
            page.wait_for_load_state()
            page.goto(base + f"/reports/{worst}")
            if page.get_by_test_id("locate").count():
                page.get_by_test_id("locate").first.click()
            page.evaluate("window.scrollTo(0, 0)")
            shot(page, "report")

            print(f"{add_region_corpus(server.store, Path(tmp) / 'synth')} synthetic 2024 reports added for 统计")
            page.goto(base + "/stats?year=2024")
            shot(page, "stats", full=True)

            qiaoguan = unit_reports(server.store, "昌乐县乔官镇人民政府")[0].unit.id
            dafeng = unit_reports(server.store, "武陟县大封镇人民政府")[0].unit.id
            page.goto(base + f"/compare?mode=yoy&unit={qiaoguan}&year=2024")
            shot(page, "compare-yoy")
            page.goto(base + f"/compare?mode=units&a={qiaoguan}&b={dafeng}&year=2024")
            page.get_by_test_id("only-different").check()
            shot(page, "compare")

            page.goto(base + "/users")
            shot(page, "users")

            context.clear_cookies()
            login(page, base, "filer")
            own = next(v.id for v in unit_reports(server.store, FILER_UNIT) if v.year == 2024)
            page.goto(base + f"/filing?from={own}")
            page.get_by_test_id("live-status").filter(has_text="可以生成").wait_for()
            total = page.locator('input[name="t3.new_received.total"]')
            total.fill(str(int(total.input_value() or 0) + 7))
            page.get_by_test_id("live-status").filter(has_text="暂不能生成").wait_for()
            page.get_by_test_id("table-t3").scroll_into_view_if_needed()
            page.evaluate("document.querySelector('[data-testid=table-t3]').closest('section').scrollIntoView()")
            shot(page, "filing")
        finally:
            browser.close()
            server.stop()


if __name__ == "__main__":
    main()
