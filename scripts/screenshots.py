"""Take the README's screenshots from a running demo (``make run``) with Debian's Chromium.

.venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = os.environ.get("DEMO_PASSWORD", "chinhquyen-demo")
PAGES = [
    ("home", "/", False),
    ("admin-index", "/admin/", True),
    ("agencies", "/admin/directory/agency/", True),
    ("procedure-search", "/admin/catalog/procedure/?q=dang+ky+khai+sinh", True),
    ("process-templates", "/admin/catalog/processtemplate/", True),
    ("calendar-2026", "/admin/workcal/dateoverride/special-days/?year=2026", True),
]


def _demo_code(username: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "demo_otp", username], capture_output=True, text=True, check=True
    )
    return result.stdout.split()[0]


def _sign_in(page, url: str, username: str, next_url: str) -> None:
    page.goto(f"{url}/office/auth/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.fill("#id_code", _demo_code(username))
    with page.expect_navigation():
        page.click("button[type=submit]")


def _portal(browser, url: str, out: Path) -> None:
    """A demo citizen signs in through the identity simulator and starts an application."""
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page.goto(f"{url}/thu-tuc/?q=dang+ky+khai+sinh")
    page.screenshot(path=str(out / "portal-search.png"))
    page.goto(f"{url}/tai-khoan/dang-nhap/?next=/thu-tuc/1.001193/")
    with page.expect_navigation():
        page.click("#vneid-sign-in")
    page.screenshot(path=str(out / "identity-simulator.png"))
    with page.expect_navigation():
        page.get_by_role("button", name="Nguyễn Văn An").first.click()
    with page.expect_navigation():
        page.locator("a.btn-cta").first.click()
    if "/nop-truc-tuyen/" in page.url:
        page.locator("input[name=agency]").first.check()
        with page.expect_navigation():
            page.locator("form button[type=submit].btn").click()
    page.screenshot(path=str(out / "apply-form.png"), full_page=True)
    page.goto(f"{url}/ho-so-cua-toi/")
    page.screenshot(path=str(out / "my-dossiers.png"))
    for name in ("portal-search", "identity-simulator", "apply-form", "my-dossiers"):
        print(out / f"{name}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        _sign_in(page, args.url, "quantri", "/admin/")
        for name, path, _signed_in in PAGES:
            page.goto(args.url + path)
            page.screenshot(path=str(args.out / f"{name}.png"))
            print(args.out / f"{name}.png")
        office = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        _sign_in(office, args.url, "motcua.hoalu", "/office/")
        office.screenshot(path=str(args.out / "office-inbox.png"))
        office.goto(f"{args.url}/office/search/?code=H37")
        with office.expect_navigation():
            office.locator("main table a").last.click()
        office.screenshot(path=str(args.out / "office-dossier.png"), full_page=True)
        print(args.out / "office-inbox.png", args.out / "office-dossier.png")
        _portal(browser, args.url, args.out)
        browser.close()


if __name__ == "__main__":
    main()
