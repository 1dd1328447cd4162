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
        page.goto(f"{args.url}/office/auth/login/?next=/admin/")
        page.fill("#id_username", "quantri")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        code = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "demo_otp", "quantri"], capture_output=True, text=True, check=True
        ).stdout.split()[0]
        page.fill("#id_code", code)
        with page.expect_navigation():
            page.click("button[type=submit]")
        for name, path, _signed_in in PAGES:
            page.goto(args.url + path)
            page.screenshot(path=str(args.out / f"{name}.png"))
            print(args.out / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
