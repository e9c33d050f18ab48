"""Screenshot of the morning report's HTML (docs/screenshots/informe-manana.png).

Seeds the demo the report's tests use (seed 7, 60.000 lines ending on Thursday 19/03/2026) in a
temporary folder, renders the 07:00 report with `--dry-run`'s code, and photographs the HTML
part in headless Chromium at a mail reader's width:

    .venv/bin/python scripts/screenshot_report.py [--out docs/screenshots/informe-manana.png]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import io
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402

from minimarket_dash.config import load_settings  # noqa: E402
from minimarket_dash.db import make_engine  # noqa: E402
from minimarket_dash.demo import seed_database  # noqa: E402
from minimarket_dash.report import run_report  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "informe-manana.png"
WIDTH = 760


def report_html(folder: Path) -> str:
    url = f"sqlite:///{folder / 'demo.db'}"
    seed_database(
        make_engine(load_settings({"database_url": url}), writer=True),
        lines=60_000,
        seed=7,
        today=date(2026, 3, 19),
        progress=False,
    )
    settings = load_settings(
        {
            "database_url": url,
            "state_dir": str(folder),
            "fixed_now": datetime(2026, 3, 19, 7, 0),
            "public_url": "https://tablero.example.com",
        },
        environ={},
    )
    out = io.StringIO()
    if run_report(settings, recipients=["compras@minimarket.com.ar"], dry_run=True, out=out):
        raise SystemExit("no se pudo armar el informe")
    message = email.message_from_string(out.getvalue(), policy=email.policy.default)
    return message.get_body(("html",)).get_content()


def screenshot(page: Path, out: Path) -> None:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--window-size={WIDTH},900",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options)
    try:
        driver.get(page.as_uri())
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(WIDTH, height + 120)
        driver.get(page.as_uri())
        driver.save_screenshot(str(out))
    finally:
        driver.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="informe-") as folder:
        page = Path(folder) / "informe.html"
        page.write_text(report_html(Path(folder)), encoding="utf-8")
        screenshot(page, args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
