"""The HTTP service, through a real server on loopback started by the tests."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")

import tcdocs
from tcdocs.server import MEDIA_TYPES

from .conftest import EXAMPLES
from .reading import docx_body, pdf_pages

KINDS = list(tcdocs.kinds())
TITLES = {
    "samverkansavtal": "Samverkansavtal för Teknikcollege Nordvik",
    "hangavtal": "Hängavtal till samverkansavtal för Teknikcollege Nordvik",
    "granskningsprotokoll": "Granskningsprotokoll",
    "beslut": "Beslut om certifiering av Teknikcollege Nordvik",
    "styrgruppsprotokoll": "Protokoll 2/2027",
    "intresseanmalan": "Intresseanmälan",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(*options: str) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "tcdocs", "serve", "--port", str(port), *options]
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: the access log must never block the service
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    process.wait()
                    log.seek(0)
                    raise RuntimeError(f"the service did not start: {log.read().decode()}") from None
                time.sleep(0.2)
        try:
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from start("--jobs", "2", "--timeout", "60", "--max-body", "300000")


@pytest.fixture(scope="module")
def hasty_server() -> Iterator[str]:
    yield from start("--jobs", "1", "--timeout", "0.01")


def call(url: str, body: bytes | None = None, content_type: str = "application/json") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type} if body is not None else {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def example_json(kind: str) -> bytes:
    """The example as JSON, with the document it refers to included inline (as a request must)."""
    return tcdocs.canonical_data(tcdocs.load(EXAMPLES / f"{kind}.yaml"))


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_in_both_formats(kind, fmt, server):
    status, headers, body = call(f"{server}/v1/documents/{kind}?format={fmt}", example_json(kind))
    assert status == 200, body[:500]
    assert headers["content-type"] == MEDIA_TYPES[fmt]
    assert headers["content-disposition"].startswith('attachment; filename="') and headers["content-disposition"].endswith(f'.{fmt}"')
    text = " ".join((" ".join(pdf_pages(body)) if fmt == "pdf" else docx_body(body)).split())
    assert TITLES[kind] in text


def test_yaml_body_with_its_own_content_type(server):
    yaml = (EXAMPLES / "samverkansavtal.yaml").read_bytes()
    status, headers, body = call(f"{server}/v1/documents/samverkansavtal?format=docx", yaml, "application/yaml")
    assert status == 200
    assert "Samverkansavtal för Teknikcollege Nordvik" in docx_body(body)


def test_unknown_kind_is_404(server):
    status, _, body = call(f"{server}/v1/documents/avtal", b"{}")
    assert status == 404
    assert "unknown document kind 'avtal'" in json.loads(body)["detail"]


def test_invalid_yaml_is_422_with_the_clis_problems_and_lines(server):
    yaml = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8").replace("212999-0020", "212999-0021")
    status, _, body = call(f"{server}/v1/documents/samverkansavtal", yaml.encode(), "application/yaml")
    assert status == 422
    [problem] = json.loads(body)["problems"]
    assert problem == {"path": "parties[1].org_number", "line": 36, "column": 5, "severity": "error",
                       "message": "'212999-0021' has a wrong check digit; check the number against the register"}


def test_invalid_json_is_422_with_field_paths(server):
    data = json.loads(example_json("intresseanmalan"))
    data["planned_application"] = "2020-01-01"
    del data["chair"]
    status, _, body = call(f"{server}/v1/validate/intresseanmalan", json.dumps(data).encode())
    assert status == 422
    found = {p["path"]: p["message"] for p in json.loads(body)["problems"]}
    assert found == {"chair": "this field is required"}
    data["chair"] = {"name": "Annika Dahl", "title": "Ordförande"}
    status, _, body = call(f"{server}/v1/validate/intresseanmalan", json.dumps(data).encode())
    assert status == 422
    assert json.loads(body)["problems"][0]["path"] == "planned_application"


def test_broken_json_syntax_has_line_and_column(server):
    status, _, body = call(f"{server}/v1/validate/beslut", b'{\n  "dnr": "RTS 1",\n  "date": }')
    assert status == 422
    [problem] = json.loads(body)["problems"]
    assert (problem["line"], problem["column"]) == (3, 11) and problem["message"].startswith("JSON syntax:")


@pytest.mark.parametrize("path", ["samverkansavtal.yaml", "/etc/passwd", "../../../etc/passwd"])
def test_a_reference_by_path_is_refused_so_no_file_is_read(path, server):
    data = json.loads(example_json("hangavtal"))
    data["agreement"] = path
    status, _, body = call(f"{server}/v1/documents/hangavtal", json.dumps(data).encode())
    assert status == 422
    [problem] = json.loads(body)["problems"]
    assert problem["path"] == "agreement"
    assert "a path to a file is not accepted here" in problem["message"]


def test_validate_returns_warnings(server):
    data = json.loads(example_json("granskningsprotokoll"))
    data["date"] = "2026-10-20"
    status, _, body = call(f"{server}/v1/validate/granskningsprotokoll", json.dumps(data).encode())
    assert status == 200
    [warning] = json.loads(body)["warnings"]
    assert warning["severity"] == "warning" and "more than one month after the visit" in warning["message"]


def test_oversize_body_is_413(server):
    status, _, body = call(f"{server}/v1/documents/beslut", b"{" + b" " * 400_000 + b"}")
    assert status == 413
    assert json.loads(body)["detail"] == "the request body is larger than 300000 bytes"


def test_deeply_nested_json_is_422_not_a_crash(server):
    status, _, _ = call(f"{server}/v1/validate/beslut", b"[" * 50_000 + b"]" * 50_000)
    assert status == 422
    assert call(f"{server}/healthz")[0] == 200


def test_a_render_over_the_time_limit_is_503_and_the_service_keeps_serving(hasty_server):
    status, _, body = call(f"{hasty_server}/v1/documents/samverkansavtal?format=pdf", example_json("samverkansavtal"))
    assert status == 503
    assert "the render took longer than 0.01 s and was stopped" in json.loads(body)["detail"]
    assert call(f"{hasty_server}/healthz")[0] == 200
    assert call(f"{hasty_server}/v1/validate/beslut", example_json("beslut"))[0] == 200


def test_kinds_schema_and_openapi_are_swedish(server):
    assert json.loads(call(f"{server}/v1/kinds")[2])["hangavtal"] == "Hängavtal"
    schema = json.loads(call(f"{server}/v1/schema/beslut")[2])
    assert schema["title"] == "Beslut" and schema["properties"]["board_meeting"]["title"] == "Styrelsemöte"
    assert call(f"{server}/v1/schema/nope")[0] == 404
    openapi = json.loads(call(f"{server}/openapi.json")[2])
    components = openapi["components"]["schemas"]
    assert components["Samverkansavtal"]["properties"]["dnr"]["title"] == "Diarienummer"
    assert "/v1/documents/{kind}" in openapi["paths"] and "/healthz" in openapi["paths"]


def test_page_preview_and_starter(server):
    status, headers, page = call(f"{server}/")
    assert status == 200 and "script-src 'self'" in headers["content-security-policy"]
    assert "Teknikcollege-dokument från YAML" in page.decode()
    starter = call(f"{server}/v1/starter/styrgruppsprotokoll")[2].decode()
    assert starter.startswith("# Protokoll")
    status, _, preview = call(f"{server}/v1/preview/styrgruppsprotokoll", starter.encode(), "application/yaml")
    assert status == 200
    assert "<h1>Protokoll 1/2027</h1>" in preview.decode()


def test_schemathesis_finds_no_server_errors(server, tmp_path):
    command = [sys.executable, "-m", "schemathesis.cli", "run", f"{server}/openapi.json", "--checks", "not_a_server_error",
               "--max-examples", "8", "--workers", "1", "--request-timeout", "120", "--suppress-health-check", "all"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


# --- the page in a real browser --------------------------------------------------------------------

def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(chromium() is None or shutil.which("chromedriver") is None,
                    reason="Chromium and its driver are not installed (apt-get install chromium chromium-driver)")
def test_the_page_in_headless_chromium(server, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import Select, WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = chromium() or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(tmp_path), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        wait = WebDriverWait(driver, 60)
        driver.get(f"{server}/")
        wait.until(lambda d: len(Select(d.find_element(By.ID, "kind")).options) == len(KINDS))
        Select(driver.find_element(By.ID, "kind")).select_by_value("beslut")
        # Paste an example (with its protocol inline, as JSON is valid YAML) and preview it.
        editor = driver.find_element(By.ID, "data")
        wait.until(lambda d: editor.get_attribute("value").startswith("# Beslut"))
        driver.execute_script("arguments[0].value = arguments[1];", editor, example_json("beslut").decode())
        driver.find_element(By.ID, "preview").click()
        wait.until(ready.text_to_be_present_in_element((By.ID, "status"), "Förhandsgranskningen är klar."))
        driver.switch_to.frame(driver.find_element(By.ID, "view"))
        assert driver.find_element(By.TAG_NAME, "h1").text == "Beslut om certifiering av Teknikcollege Nordvik"
        driver.switch_to.default_content()
        # A broken value shows the problem with its line.
        driver.execute_script("arguments[0].value = arguments[1];", editor, "kind: beslut\ndnr: RTS 1\n")
        driver.find_element(By.ID, "preview").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#problems li"))
        assert "date: this field is required" in driver.find_element(By.ID, "problems").text
        # Download the PDF and read it.
        driver.execute_script("arguments[0].value = arguments[1];", editor, example_json("beslut").decode())
        driver.find_element(By.ID, "pdf").click()
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("*.pdf")) and time.monotonic() < deadline:
            time.sleep(0.2)
        [pdf] = list(tmp_path.glob("*.pdf"))
        time.sleep(0.5)
        text = " ".join(" ".join(pdf_pages(pdf.read_bytes())).split())
        assert "Beslut om certifiering av Teknikcollege Nordvik" in text
        assert "Styrelsemöte 10 december 2026, § 42" in text
    finally:
        driver.quit()


def test_serve_without_the_extra_names_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tcdocs.server", None)  # as if fastapi could not be imported
    from tcdocs.cli import main

    assert main(["serve"]) == 2
    assert 'pip install "tcdocs[server]"' in capsys.readouterr().err



def test_json_is_held_to_the_yaml_limits(server):
    long_text = json.dumps({"dnr": "x" * 25_000}).encode()
    status, _, body = call(f"{server}/v1/validate/beslut", long_text)
    assert status == 422
    assert json.loads(body)["problems"][0]["message"] == "a text is longer than 20000 characters"
