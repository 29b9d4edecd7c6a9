"""How long the page keeps a person waiting: keystroke to preview, and the first PDF after start.

Run after the README's set-up (which installs the ``server`` and ``test`` extras), with
Debian's ``chromium`` and ``chromium-driver``::

    .venv/bin/python bench/bench_page.py [--keys 30] [--pdfs 5] [--source DIR]

It starts ``tcdocs serve`` on a free loopback port and opens its page in headless Chromium.

* **Keystroke to preview**: the page starts from the template (a samverkansavtal without
  problems), then one key at a time is pressed at the end of the region's name (a letter,
  then Backspace, in turn), waiting for each to show. For each, the time from the key going down (the event's own time
  stamp, in the page) to the preview frame having loaded the text with that letter and
  painted it (two animation frames after its load event).
* **The first PDF after start**: a fresh service (started, and answering ``/healthz``: it
  says it is ready), its page opened with the template; from the click on "Ladda ner PDF"
  to the file downloaded, for the first PDF and for the next ones. Then the same of another
  fresh service over HTTP alone (the template posted to ``/v1/documents``), without the
  browser's share of the time.

``--source DIR`` runs the service and its page from another checkout of tcdocs (for a
figure side by side with an earlier commit: ``git archive COMMIT | tar -x -C DIR``). A
measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path
from typing import IO

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent

# Runs in the page: notes when each key goes down, and when the preview has loaded and painted.
WATCH = """
window.benchKeys = [];
window.benchShown = [];
document.addEventListener('keydown', (event) => { window.benchKeys.push(event.timeStamp); }, true);
const view = document.getElementById('view');
view.addEventListener('load', () => {
  const html = view.srcdoc;
  requestAnimationFrame(() => requestAnimationFrame(() => window.benchShown.push({at: performance.now(), html})));
});
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_service(source: Path | None, log: IO[bytes]) -> tuple[subprocess.Popen[bytes], str]:
    """The service, once it answers /healthz, and its address."""
    port = free_port()
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    command = [sys.executable, "-m", "tcdocs", "serve", "--port", str(port), "--jobs", "2"]
    # Run from the source folder: python -m puts the working folder first on the path.
    process = subprocess.Popen(command, env=env, cwd=source, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return process, base
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("the service did not start") from None
            time.sleep(0.05)


def chromium(downloads: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                     "--lang=sv-SE", "--no-first-run", "--disable-background-networking", "--disable-component-update"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False})
    return webdriver.Chrome(service=DriverService(shutil.which("chromedriver") or "chromedriver"), options=options)


def open_template(driver: webdriver.Chrome, base: str) -> None:
    """The page, fresh, with the template's data checked and previewed."""
    wait = WebDriverWait(driver, 60)
    driver.get(f"{base}/")
    driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    driver.get(f"{base}/")
    wait.until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    driver.find_element(By.ID, "starter").click()
    wait.until(lambda d: "region:" in d.execute_script("return document.getElementById('yaml').value"))
    wait.until(lambda d: d.execute_script("return document.body.dataset.busy === 'false'"))
    wait.until(lambda d: "Teknikcollege" in d.execute_script("return document.getElementById('view').srcdoc"))


def shown(driver: webdriver.Chrome, *, region: str) -> float | None:
    """Milliseconds from the last key going down to the preview painted with *region* in its heading, once it is."""
    value = driver.execute_script(
        "const key = window.benchKeys.at(-1);"
        "const heading = new RegExp('Teknikcollege ' + arguments[0] + '(?![\\p{L}])', 'u');"
        "const seen = window.benchShown.find((s) => heading.test(s.html) && s.at > key);"
        "return seen ? seen.at - key : null;",
        region,
    )
    return None if value is None else float(value)


def keystrokes(driver: webdriver.Chrome, count: int) -> list[float]:
    """Milliseconds from each key going down to the preview showing what it changed.

    The keys add a letter to the region's name and take it away again (Backspace), in turn,
    so that the name stays within its length however many keys are measured.
    """
    wait = WebDriverWait(driver, 30, poll_frequency=0.01)
    field = driver.find_element(By.CSS_SELECTOR, '[data-path="#/region"] input')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", field)
    driver.execute_script("const f = arguments[0]; f.setSelectionRange(f.value.length, f.value.length);", field)
    name = field.get_attribute("value") or ""
    driver.execute_script(WATCH)
    times: list[float] = []
    for index in range(count):
        letter = "abcdefghijklmnopqrstuvwxyz"[(index // 2) % 26]
        adding = index % 2 == 0
        field.send_keys(letter if adding else Keys.BACKSPACE)
        region = name + letter if adding else name
        waited = wait.until(partial(shown, region=region))
        assert waited is not None  # until() returns only what is true
        times.append(waited)
        time.sleep(0.3)  # a pause, so that every key is the last one of its word
    return times


def downloaded(folder: Path, suffix: str) -> bool:
    return any(p.stat().st_size > 0 for p in folder.glob(f"*{suffix}")) and not list(folder.glob("*.crdownload"))


def downloads(driver: webdriver.Chrome, folder: Path, count: int) -> list[float]:
    """Seconds from each click on the PDF button to its file downloaded.

    The browser's first download of all is slow on its own: the data is saved first
    ("Spara uppgifter", which the service has no part in), so that what is left is the service's.
    """
    wait = WebDriverWait(driver, 120, poll_frequency=0.02)
    driver.find_element(By.ID, "save").click()
    wait.until(lambda _: downloaded(folder, ".yaml"))
    seconds: list[float] = []
    for _ in range(count):
        for old in folder.iterdir():
            old.unlink()
        started = time.monotonic()
        driver.find_element(By.ID, "pdf").click()
        wait.until(lambda _: downloaded(folder, ".pdf"))
        seconds.append(time.monotonic() - started)
    return seconds


def requests(source: Path | None, log: IO[bytes], count: int) -> list[float]:
    """Seconds for each PDF of the template asked of a fresh service over HTTP, no browser in between."""
    process, base = start_service(source, log)
    try:
        with urllib.request.urlopen(f"{base}/v1/starter/samverkansavtal") as answer:
            body = answer.read()
        seconds: list[float] = []
        for _ in range(count):
            ask = urllib.request.Request(f"{base}/v1/documents/samverkansavtal?format=pdf", data=body,
                                         headers={"Content-Type": "application/yaml"})
            started = time.monotonic()
            with urllib.request.urlopen(ask, timeout=120) as answer:
                answer.read()
            seconds.append(time.monotonic() - started)
        return seconds
    finally:
        process.terminate()
        process.wait(timeout=30)


def summary(values: list[float], unit: str, digits: int) -> str:
    return (f"median {statistics.median(values):.{digits}f} {unit}, min {min(values):.{digits}f}, "
            f"max {max(values):.{digits}f} (n={len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=30, help="keystrokes to measure")
    parser.add_argument("--pdfs", type=int, default=5, help="PDFs to download")
    parser.add_argument("--source", type=Path, default=None, help="another checkout of tcdocs to run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile() as log:
        folder = Path(scratch)
        driver = chromium(folder)
        process, base = start_service(args.source, log)
        try:
            open_template(driver, base)
            pdfs = downloads(driver, folder, args.pdfs)
            open_template(driver, base)
            keys = keystrokes(driver, args.keys)
        finally:
            driver.quit()
            process.terminate()
            process.wait(timeout=30)
        http = requests(args.source, log, args.pdfs)
    if args.json:
        print(json.dumps({"keystroke_ms": keys, "pdf_s": pdfs, "pdf_http_s": http}))
        return
    print(f"keystroke to preview: {summary(keys, 'ms', 0)}")
    for name, values in (("on the page", pdfs), ("over HTTP", http)):
        rest = summary(values[1:], "s", 2) if len(values) > 1 else "-"
        ratio = f"; first / median of the next: {values[0] / statistics.median(values[1:]):.2f}" if len(values) > 1 else ""
        print(f"first PDF after start, {name}: {values[0]:.2f} s; the next: {rest}{ratio}")


if __name__ == "__main__":
    main()
