"""The HTTP service, through a real server on loopback started by the tests."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")

import tcdocs
from tcdocs.rendering import content_for
from tcdocs.server import MEDIA_TYPES

from .conftest import EXAMPLES, ROOT
from .reading import docx_body, pdf_pages

KINDS = list(tcdocs.kinds())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    """A running ``tcdocs serve``: its address, its process and its log."""

    def __init__(self, base: str, process: subprocess.Popen[bytes], log: Any) -> None:
        self.base, self.process, self.log = base, process, log

    def __str__(self) -> str:
        return self.base

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


def start(*options: str, host: str = "127.0.0.1", env: dict[str, str] | None = None) -> Iterator[Service]:
    port = free_port()
    command = [sys.executable, "-m", "tcdocs", "serve", "--host", host, "--port", str(port), *options]
    # The cases of a service started without --db go to a data folder of its own, not the home folder's.
    with tempfile.TemporaryFile() as log, tempfile.TemporaryDirectory() as data:  # the log a file, not a pipe: it must never block
        environment = {**(env if env is not None else os.environ), "XDG_DATA_HOME": data}
        environment.pop("TCDOCS_DB", None)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env=environment)
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
            yield Service(base, process, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[Service]:
    yield from start("--jobs", "2", "--timeout", "60", "--max-body", "300000")


@pytest.fixture(scope="module")
def hasty_server() -> Iterator[Service]:
    yield from start("--jobs", "1", "--timeout", "0.01")


def call(
    url: str, body: bytes | None = None, content_type: str = "application/json", language: str = "en"
) -> tuple[int, dict[str, str], bytes]:
    """A request as another program makes it: in English unless told otherwise."""
    headers = {"Accept-Language": language} | ({"Content-Type": content_type} if body is not None else {})
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
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
    assert headers["content-disposition"].startswith('attachment; filename="') and headers["content-disposition"].endswith(f".{fmt}")
    text = " ".join((" ".join(pdf_pages(body)) if fmt == "pdf" else docx_body(body)).split())
    # The service words the document as the library does: its title (in the PDF's footer and the
    # DOCX's properties), and the region it is about.
    title = content_for(tcdocs.load(EXAMPLES / f"{kind}.yaml")).header.title
    if fmt == "pdf":
        assert title in text
    else:
        assert f"<dc:title>{title}</dc:title>" in zipfile.ZipFile(io.BytesIO(body)).read("docProps/core.xml").decode()
    assert "Teknikcollege Nordvik" in text


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
    assert problem == {"path": "parties[1].org_number", "line": 37, "column": 5, "severity": "error", "file": None,
                       "field": "parties[1].org_number",
                       "message": "'212999-0021' has a wrong check digit; check the number against the register"}


def test_invalid_json_is_422_with_field_paths(server):
    data = json.loads(example_json("intresseanmalan"))
    data["planned_application"] = "2020-01-01"
    del data["chair"]
    status, _, body = call(f"{server}/v1/validate/intresseanmalan", json.dumps(data).encode())
    assert status == 422
    found = {p["path"]: p["message"] for p in json.loads(body)["problems"]}
    assert found == {"chair": "this field is required"}
    data["chair"] = {"name": "Annika Dahl", "capacity": "Ordförande i den regionala styrgruppen"}
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
    assert "not the name of its file: here no file is read" in problem["message"]


def test_validate_returns_warnings(server):
    data = json.loads(example_json("granskningsprotokoll"))
    data["date"] = "2027-12-20"
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
    status, headers, page = call(f"{server}/", language="sv-SE,sv;q=0.9")
    assert status == 200 and "script-src 'self'" in headers["content-security-policy"]
    text = page.decode()
    assert '<html lang="sv">' in text and "<h1>Teknikcollege-dokument</h1>" in text
    assert "<noscript>" in text and "Sidan behöver JavaScript" in text
    assert '<option value="hangavtal">Hängavtal</option>' in text
    english = call(f"{server}/", language="en-GB,en;q=0.9")[2].decode()
    assert '<html lang="en">' in english and "<h1>Teknikcollege documents</h1>" in english
    # The form library and its licence are served with the page; the tests' own tools are not.
    served = {"jedison.umd.js": "text/javascript", "jedison.LICENSE.txt": "text/plain", "js-yaml.min.js": "text/javascript"}
    for name, media in served.items():
        status, headers, _ = call(f"{server}/assets/{name}")
        assert status == 200 and headers["content-type"].startswith(media)
    assert call(f"{server}/assets/axe.min.js")[0] == 404
    assert call(f"{server}/favicon.ico")[0] == 200
    starter = call(f"{server}/v1/starter/styrgruppsprotokoll")[2].decode()
    assert starter.startswith("# Protokoll")
    status, _, preview = call(f"{server}/v1/preview/styrgruppsprotokoll", starter.encode(), "application/yaml")
    assert status == 200
    assert "<h1>Protokoll 1/2027</h1>" in preview.decode()


def test_schemathesis_finds_no_server_errors(server, tmp_path):
    # The generated examples and fuzzing of every operation; schemathesis' coverage phase would send
    # some ten thousand boundary cases per operation for schemas the size of these documents'.
    command = [sys.executable, "-m", "schemathesis.cli", "run", f"{server}/openapi.json", "--checks", "not_a_server_error",
               "--max-examples", "25", "--workers", "1", "--request-timeout", "120", "--suppress-health-check", "all",
               "--phases", "examples,fuzzing", "--seed", "20261130"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_serve_without_the_extra_names_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tcdocs.server", None)  # as if fastapi could not be imported
    from tcdocs.cli import main

    assert main(["serve"]) == 2
    assert 'pip install "tcdocs[server]"' in capsys.readouterr().err



def test_json_is_held_to_the_yaml_limits(server):
    long_text = json.dumps({"dnr": "x" * 25_000}).encode()
    status, _, body = call(f"{server}/v1/validate/beslut", long_text)
    assert status == 422
    assert json.loads(body)["problems"][0]["message"] == "the text is longer than 20000 characters"


# --- 4xx, never 500; responsive; nothing left running ----------------------------------------------------

def test_a_dnr_with_an_en_dash_downloads_with_a_utf8_file_name(server):
    data = json.loads(example_json("intresseanmalan"))
    data["dnr"] = "TCN 2027–012 Å"
    status, headers, body = call(f"{server}/v1/documents/intresseanmalan?format=docx", json.dumps(data).encode())
    assert status == 200
    disposition = headers["content-disposition"]
    assert 'filename="Intresseanm_lan-TCN 2027_012 _.docx"' in disposition
    assert "filename*=UTF-8''Intresseanm%C3%A4lan-TCN%202027%E2%80%93012%20%C3%85.docx" in disposition


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ('{"paragraph_x": 1, "dnr": "A", "dnr": "B"}', "dnr", "duplicate key 'dnr'"),
        ('{"board_meeting": {"date": "2026-12-10", "paragraph": ' + "9" * 5000 + "}}", "board_meeting.paragraph", ""),
        ('{"date": "9999-01-01"}', "date", "give a date from 2000 to 2099"),
    ],
    ids=["duplicate-key", "5000-digit-integer", "far-date"],
)
def test_odd_json_is_422_with_its_field(server, body, path, message):
    status, _, answer = call(f"{server}/v1/validate/beslut", body.encode())
    assert status == 422
    found = {p["path"]: p["message"] for p in json.loads(answer)["problems"]}
    assert path in found and message in found[path]


def test_no_error_names_a_server_path_or_shows_a_trace(server):
    answers = [
        call(f"{server}/v1/documents/nope", b"{}"),
        call(f"{server}/v1/validate/beslut", b"{]"),
        call(f"{server}/v1/validate/beslut", b"\xff\xfe"),
        call(f"{server}/v1/validate/beslut", b"x", "text/plain"),
        call(f"{server}/v1/documents/hangavtal", json.dumps({"agreement": "/etc/passwd"}).encode()),
        call(f"{server}/v1/validate/beslut", b"--x\r\n", "multipart/form-data; boundary=x"),
    ]
    for status, _, body in answers:
        assert 400 <= status < 500
        text = body.decode()
        assert "Traceback" not in text and str(ROOT) not in text and "site-packages" not in text


def test_every_answer_carries_the_security_headers(server):
    for url in (f"{server}/", f"{server}/healthz", f"{server}/v1/kinds", f"{server}/v1/schema/nope"):
        _, headers, _ = call(url)
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-request-id"]
    _, headers, _ = call(f"{server}/")
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_a_document_with_its_reference_uploaded_together_renders(server):
    boundary = "tcdocs-grans-7f3a"
    parts = []
    for field, name in (("document", "hangavtal.yaml"), ("files", "samverkansavtal.yaml")):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/yaml\r\n\r\n".encode() + (EXAMPLES / name).read_bytes() + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, _, pdf = call(f"{server}/v1/documents/hangavtal?format=pdf", body, f"multipart/form-data; boundary={boundary}")
    assert status == 200, pdf[:300]
    assert "Lindås kommun ansluter sig till samverkansavtalet" in " ".join(" ".join(pdf_pages(pdf)).split())
    # Without the main agreement's file, the problem names the file that is missing.
    status, _, answer = call(f"{server}/v1/validate/hangavtal", parts[0] + f"--{boundary}--\r\n".encode(),
                             f"multipart/form-data; boundary={boundary}")
    assert status == 422
    [problem] = json.loads(answer)["problems"]
    assert problem["path"] == "agreement" and "no file named 'samverkansavtal.yaml' was given" in problem["message"]


def test_parsing_large_bodies_does_not_hold_the_service(server):
    # Six bodies near the size limit are parsed at once; a health check sent after them
    # is answered while they are still being parsed.
    yaml = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8")
    padding = "".join(f"# rad {n} " + "x" * 60 + "\n" for n in range(3500))
    body = (yaml + padding).encode()[:290_000]
    finished: list[str] = []

    def send(label: str, url: str, data: bytes | None) -> None:
        call(url, data, "application/yaml")
        finished.append(label)

    threads = [threading.Thread(target=send, args=(f"tung {n}", f"{server}/v1/validate/samverkansavtal", body)) for n in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    send("hälsa", f"{server}/healthz", None)
    for thread in threads:
        thread.join()
    assert finished.index("hälsa") < len(finished) - 1


def test_a_stalled_upload_is_dropped_and_the_service_keeps_serving(slow_client_server):
    sockets = []
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", int(str(slow_client_server).rsplit(":", 1)[1])))
        s.sendall(b"POST /v1/validate/beslut HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        sockets.append(s)
    answers = []
    for s in sockets:
        s.settimeout(30)
        data = b""
        while chunk := s.recv(4096):
            data += chunk
        answers.append(data)
        s.close()
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers)
    assert call(f"{slow_client_server}/healthz")[0] == 200


@pytest.fixture(scope="module")
def slow_client_server() -> Iterator[Service]:
    yield from start("--jobs", "1", "--body-timeout", "1")


def children(pid: int) -> set[int]:
    """Every process started by *pid*, and theirs, read from /proc."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            found |= {int(child)} | children(int(child))
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_no_worker_outlives_the_service(stop):
    service = start("--jobs", "2")
    running = next(service)
    assert call(f"{running}/v1/documents/beslut?format=pdf", example_json("beslut"))[0] == 200
    started = children(running.process.pid)
    assert len(started) >= 2  # the workers (and multiprocessing's resource tracker)
    running.process.send_signal(stop)
    running.process.wait(timeout=60)
    deadline = time.monotonic() + 15
    while any(Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text() for pid in started):
        assert time.monotonic() < deadline, "a worker outlived the service"
        time.sleep(0.2)
    assert "Traceback" not in running.log_text()
    service.close()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
def test_the_service_is_ready_to_render_when_it_says_it_is_ready():
    # Its first answer comes after every render worker has started and made a throwaway document,
    # so that the first PDF a person asks for is as quick as the ones after it (bench/bench_page.py).
    service = start("--jobs", "2")
    running = next(service)
    try:
        workers = [pid for pid in children(running.process.pid) if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) == 2
        assert "2 render workers ready" in running.log_text()
    finally:
        service.close()


def test_a_worker_killed_outright_leaves_no_temporary_file(tmp_path):
    # SIGKILL (out of memory, or a worker that would not stop) runs no cleanup in the worker: the pool's folder goes.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    service = start("--jobs", "1", env={**os.environ, "TMPDIR": str(scratch)})
    running = next(service)
    assert call(f"{running}/v1/documents/beslut?format=pdf", example_json("beslut"))[0] == 200
    assert any(path.name.startswith("weasyprint-") for path in scratch.rglob("*"))  # the worker's house style
    workers = [pid for pid in children(running.process.pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    assert call(f"{running}/v1/documents/beslut?format=pdf", example_json("beslut"))[0] in (200, 503)
    service.close()
    assert sorted(path.name for path in scratch.iterdir()) == []


def test_a_worker_stopped_in_its_work_leaves_no_temporary_file(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    service = start("--jobs", "2", env={**os.environ, "TMPDIR": str(scratch)})
    running = next(service)
    assert call(f"{running}/v1/documents/beslut?format=pdf", example_json("beslut"))[0] == 200
    assert any(path.name.startswith("weasyprint-") for path in scratch.rglob("*"))  # the workers' house style
    workers = [pid for pid in children(running.process.pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert workers  # started as work comes
    os.kill(workers[0], signal.SIGTERM)  # as the service stops a busy worker, or the kernel when the service dies
    # The pool, broken, stops the other worker the same way; the next request gets a fresh pool.
    assert call(f"{running}/v1/documents/beslut?format=pdf", example_json("beslut"))[0] in (200, 503)
    service.close()
    assert sorted(path.name for path in scratch.iterdir()) == []


def test_a_worker_stopped_while_it_loads_its_fonts_leaves_no_temporary_file(tmp_path):
    # SIGTERM (the service stopping its workers) while the house style's fonts are written into their folder.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code = (
        "import os, signal\n"
        "from tcdocs import jobs\n"
        "from tcdocs.backends import pdf\n"
        "from tcdocs.resources import template_roots\n"
        "signal.signal(signal.SIGTERM, jobs._end)  # as a render worker has it\n"
        "class Fonts(pdf._HouseFonts):\n"
        "    def add_font_face(self, *args, **kwargs):\n"
        "        found = super().add_font_face(*args, **kwargs)\n"
        "        os.kill(os.getpid(), signal.SIGTERM)  # the first font is in its folder\n"
        "        return found\n"
        "pdf._HouseFonts = Fonts\n"
        "pdf._house_style(template_roots())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "TMPDIR": str(scratch)}, capture_output=True, timeout=120)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert sorted(path.name for path in scratch.iterdir()) == []


def test_a_port_in_use_is_a_clear_error_with_exit_1(server):
    port = str(server).rsplit(":", 1)[1]
    done = subprocess.run([sys.executable, "-m", "tcdocs", "serve", "--port", port], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"kan inte ta emot anslutningar på 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


def test_listening_beyond_loopback_needs_a_token_or_users(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tcdocs", "serve", "--host", "0.0.0.0", "--port", str(free_port())],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "XDG_DATA_HOME": str(tmp_path)})
    assert done.returncode == 2
    assert "lägg till de personer som får använda tjänsten med tcdocs users add" in done.stderr
    assert "ange en åtkomstnyckel med --token-file" in done.stderr


@pytest.fixture(scope="module")
def token_server(tmp_path_factory) -> Iterator[Service]:
    token = tmp_path_factory.mktemp("nyckel") / "token"
    token.write_text("hemlig-nyckel-0123456789\n", encoding="utf-8")
    yield from start("--jobs", "1", "--token-file", str(token), host="0.0.0.0")


def test_a_token_guards_every_request_but_health_and_the_page(token_server):
    assert call(f"{token_server}/healthz")[0] == 200
    assert call(f"{token_server}/")[0] == 200
    status, headers, _ = call(f"{token_server}/v1/kinds")
    assert status == 401 and headers["www-authenticate"] == "Bearer"
    assert call(f"{token_server}/metrics")[0] == 401
    wrong = urllib.request.Request(f"{token_server}/v1/kinds", headers={"Authorization": "Bearer fel-nyckel-0123456789"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(wrong, timeout=30)
    with refused.value:
        assert refused.value.code == 401
    right = urllib.request.Request(f"{token_server}/v1/kinds", headers={"Authorization": "Bearer hemlig-nyckel-0123456789"})
    with urllib.request.urlopen(right, timeout=30) as response:
        assert json.loads(response.read())["beslut"] == "Beslut"


def test_metrics_and_one_log_line_per_request(server):
    status, headers, _ = call(f"{server}/v1/documents/intresseanmalan?format=docx", example_json("intresseanmalan"))
    assert status == 200
    request_id = headers["x-request-id"]
    metrics = call(f"{server}/metrics")[2].decode()
    assert 'tcdocs_requests_total{route="/v1/documents/{kind}",status="200"}' in metrics
    assert 'tcdocs_render_seconds_count{format="docx"}' in metrics
    assert "tcdocs_queue_depth 0.0" in metrics and "tcdocs_worker_restarts_total" in metrics
    lines = [line for line in server.log_text().splitlines() if request_id in line]
    assert len(lines) == 1 and "POST /v1/documents/intresseanmalan 200" in lines[0]


def test_an_aborted_upload_is_one_log_line_not_a_trace(slow_client_server):
    port = int(str(slow_client_server).rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /v1/validate/beslut HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"X-Request-Id: avbruten-1\r\nContent-Length: 1000\r\n\r\n{")
        time.sleep(0.3)
    deadline = time.monotonic() + 30
    while "avbruten-1" not in slow_client_server.log_text():
        assert time.monotonic() < deadline, "the aborted request was never logged"
        time.sleep(0.2)
    log = slow_client_server.log_text()
    assert "Traceback" not in log and "Exception in ASGI" not in log
    assert len([line for line in log.splitlines() if "avbruten-1" in line]) == 1


def test_people_are_answered_in_swedish_with_the_fields_by_their_titles(server):
    yaml = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8").replace("212999-0020", "212999-0021")
    status, _, body = call(f"{server}/v1/validate/samverkansavtal", yaml.encode(), "application/yaml", language="sv-SE,sv;q=0.9,en;q=0.5")
    answer = json.loads(body)
    assert status == 422 and answer["detail"] == "uppgifterna är inte ett giltigt dokument"
    [problem] = answer["problems"]
    assert problem["path"] == "parties[1].org_number"  # for programs, whatever the language
    assert problem["field"] == "Parter › 2 › Organisationsnummer"
    assert problem["message"] == "212999-0021 har fel kontrollsiffra; kontrollera numret mot registret"
    # With no Accept-Language at all, the answer is Swedish too.
    request = urllib.request.Request(f"{server}/v1/documents/avtal", data=b"{}", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    with refused.value:
        assert json.loads(refused.value.read())["detail"].startswith("okänt dokumentslag 'avtal'")


def case_upload(names: list[str], boundary: str = "tcdocs-arende-91c2") -> tuple[bytes, str]:
    """The named examples as one multipart body, each in a part named ``files``."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: application/yaml\r\n\r\n".encode() + (EXAMPLES / name).read_bytes() + b"\r\n"
        for name in names
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_the_status_of_a_case_uploaded_together(server):
    names = sorted(path.name for path in EXAMPLES.glob("*.yaml"))
    body, media = case_upload(names)
    status, _, answer = call(f"{server}/v1/status?today=2028-03-20", body, media, language="sv")
    assert status == 200, answer[:300]
    [case] = json.loads(answer)["cases"]
    assert (case["region"], case["current_step"], case["late"]) == ("Nordvik", 10, False)
    assert [(s["step"], s["date"], s["documents"]) for s in case["steps"]][8] == (9, "2027-12-07", ["granskningsprotokoll.yaml"])
    # Without the svar, the supplements are overdue; the answer says so in the reader's language.
    body, media = case_upload([name for name in names if name not in ("svar.yaml", "beslut.yaml")])
    status, _, answer = call(f"{server}/v1/status?today=2028-03-20", body, media)
    [case] = json.loads(answer)["cases"]
    assert case["next_deadline"] == {"deadline": "supplements", "name": "Kompletteringarna ska vara inne", "step": 10,
                                     "due": "2028-03-07", "document": "granskningsprotokoll.yaml", "met": None, "late": True}
    # The overview as a document.
    status, headers, pdf = call(f"{server}/v1/status?today=2028-03-20&format=pdf", body, media)
    assert status == 200 and headers["content-type"] == MEDIA_TYPES["pdf"]
    assert "Ärendeöversikt, Teknikcollege Nordvik" in " ".join(" ".join(pdf_pages(pdf)).split())
    # Documents that are not uploaded together cannot be a case.
    status, _, answer = call(f"{server}/v1/status", b"{}")
    assert status == 415 and "multipart/form-data" in json.loads(answer)["detail"]


@pytest.mark.parametrize("query", ["today=9999-12-31&format=pdf", "today=1999-01-01&format=docx", "today=2028-02-30", "format=odt"])
def test_a_status_request_the_case_cannot_answer_is_a_swedish_422(server, query):
    body, media = case_upload(["samverkansavtal.yaml"])
    status, _, answer = call(f"{server}/v1/status?{query}", body, media, language="sv")
    assert status == 422, answer[:300]
    detail = json.loads(answer)["detail"]
    assert any(words in detail for words in ("ange en dag från 2000 till 2099", "begärans today är inte giltig", "okänt format"))


def test_an_overview_the_model_refuses_is_a_422_with_its_problems(server):
    # The overview names readable documents by kind and date; a file that cannot be read, by its name.
    boundary = "tcdocs-arende-91c2"
    body, media = case_upload(["samverkansavtal.yaml"], boundary)
    extra = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="avtal-🙂.yaml"\r\n\r\n'.encode()
             + (EXAMPLES / "intresseanmalan.yaml").read_bytes().replace(b"kind: intresseanmalan", b"kind: anmalan") + b"\r\n")
    status, _, answer = call(f"{server}/v1/status?today=2028-03-20&format=pdf", extra + body, media, language="sv")
    assert status == 422, answer[:300]
    answer_json = json.loads(answer)
    assert answer_json["detail"] == "ärendets ärendeöversikt kan inte skrivas"
    assert "husets typsnitt har inga tecken för 🙂" in answer_json["problems"][0]["message"]


def test_two_uploaded_files_of_one_name_are_refused_not_one_dropped(server):
    boundary = "tcdocs-arende-91c2"
    body, media = case_upload(["samverkansavtal.yaml", "intresseanmalan.yaml"], boundary)
    body = body.replace(b'filename="intresseanmalan.yaml"', b'filename="mapp/samverkansavtal.yaml"')
    status, _, answer = call(f"{server}/v1/status?today=2028-03-20", body, media, language="sv")
    assert status == 400 and json.loads(answer)["detail"].startswith("två filer heter 'samverkansavtal.yaml'")


def test_an_unknown_address_or_method_is_answered_in_swedish(server):
    status, _, answer = call(f"{server}/v1/finns-inte", language="sv")
    assert status == 404 and json.loads(answer)["detail"] == "det finns inget på den här adressen; se /openapi.json"
    status, _, answer = call(f"{server}/v1/kinds", b"{}", language="sv")
    assert status == 405 and json.loads(answer)["detail"] == "POST används inte på den här adressen"


def test_a_multipart_header_in_any_bytes_is_a_4xx_not_a_crash(server):
    # A part name beyond Latin-1 (found by schemathesis) and a file name that is not UTF-8.
    body = ('--b\r\nContent-Disposition: form-data; name="\U000c255b"\r\n\r\nx\r\n'.encode()
            + b'--b\r\nContent-Disposition: form-data; name="document"; filename="\xff\xfe.yaml"\r\n\r\nkind: beslut\r\n--b--\r\n')
    for path in ("/v1/validate/beslut", "/v1/check/beslut", "/v1/status", "/v1/verify"):
        status, _, _ = call(f"{server}{path}", body, "multipart/form-data; boundary=b")
        assert status < 500, (path, status)


# --- the copy for the web, and checking a PDF --------------------------------------------------------

def multipart(parts: list[tuple[str, str, bytes]], boundary: str = "tcdocs-kontroll-5d1e") -> tuple[bytes, str]:
    """Parts (field, file name, bytes) as one multipart body."""
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n\r\n'.encode() + data + b"\r\n"
        for field, name, data in parts
    )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_the_copy_for_the_web_is_named_apart_and_shows_no_signature_lines(server):
    status, headers, body = call(f"{server}/v1/documents/styrgruppsprotokoll?format=pdf&publish=true", example_json("styrgruppsprotokoll"))
    assert status == 200
    assert headers["content-disposition"].endswith("-webb.pdf")
    text = " ".join(" ".join(pdf_pages(body)).split())
    assert "WEBBVERSION" in text and "Webbversion för publicering." in text and "Ort och datum" not in text


def test_a_signed_pdf_is_checked_with_each_signature(server):
    from .test_signatures import Authority

    authority = Authority("Tjänstens testrot")
    pdf = tcdocs.render(tcdocs.load(EXAMPLES / "styrgruppsprotokoll.yaml"), "pdf")
    signed = authority.sign(pdf, "Sofia Ek")
    data = (EXAMPLES / "styrgruppsprotokoll.yaml").read_bytes()
    parts = [("pdf", "protokoll.pdf", signed), ("document", "styrgruppsprotokoll.yaml", data), ("trust", "rot.pem", authority.pem)]
    body, media = multipart(parts)
    status, _, answer = call(f"{server}/v1/verify", body, media, language="sv")
    assert status == 200, answer[:500]
    result = json.loads(answer)
    assert result["verified"] is True and result["signed"] is True
    assert result["message"].startswith("protokoll.pdf: bekräftad; det undertecknade dokumentet är precis vad dess uppgifter ger")
    [signature] = result["signatures"]
    assert (signature["field"], signature["signer"], signature["intact"], signature["trust"], signature["trusted_by"]) == (
        "Underskrift Sofia Ek", "Sofia Ek", True, "trusted", "Tjänstens testrot"
    )
    assert result["unsigned"] == ["Underskrift Annika Dahl", "Underskrift Ahmed Yousef"]
    assert result["details"][1] == "Underskrift Annika Dahl: inte underskriven ännu"
    # Changed after signing: still answered, and not verified.
    changed = bytearray(signed)
    changed[pdf.index(b"stream\n") + 100] ^= 0x01
    body, media = multipart([("pdf", "protokoll.pdf", bytes(changed)), ("document", "styrgruppsprotokoll.yaml", data)])
    status, _, answer = call(f"{server}/v1/verify", body, media)
    result = json.loads(answer)
    assert status == 200 and result["verified"] is False
    assert result["message"] == "protokoll.pdf: NOT verified; the document that was signed is not what its data renders to"
    assert result["signatures"][0]["intact"] is False and result["signatures"][0]["trust"] == "unknown"


def test_a_pdf_tcdocs_did_not_make_cannot_be_checked(server):
    body, media = multipart([("pdf", "annan.pdf", b"%PDF-1.4\n%%EOF\n")])
    status, _, answer = call(f"{server}/v1/verify", body, media)
    assert status == 422 and json.loads(answer)["detail"].startswith("annan.pdf: ")
    status, _, answer = call(f"{server}/v1/verify", *multipart([("document", "a.yaml", b"kind: beslut\n")]))
    assert status == 400 and json.loads(answer)["detail"] == "send one PDF, in a part named 'pdf'"


# --- the work of a request is bounded, and stops when its client goes -------------------------------------

def beslut_chain_upload(length: int, boundary: str = "tcdocs-kedja") -> tuple[bytes, str]:
    """A beslut as the ``document`` part, naming the next of *length* beslut in ``files`` parts as its protocol and answer."""
    beslut = (EXAMPLES / "beslut.yaml").read_text(encoding="utf-8")
    parts = []
    for number in range(length + 1):
        following = f"beslut-{number + 1:02}.yaml"
        text = beslut.replace("granskningsprotokoll.yaml", following).replace("svar.yaml", following) if number < length else "dnr: X\n"
        field = "document" if number == 0 else "files"
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="beslut-{number:02}.yaml"\r\n'
                     "Content-Type: application/yaml\r\n\r\n".encode() + text.encode() + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_chain_of_references_in_a_small_body_is_answered(server):
    body, media = beslut_chain_upload(16)
    assert len(body) < 40_000
    status, _, answer = call(f"{server}/v1/check/beslut", body, media)
    assert status == 200
    checked = json.loads(answer)
    assert checked["valid"] is False and [p["path"] for p in checked["problems"]] == ["protocol", "response"]


def asgi_call(app: Any, path: str, body: bytes, media: str, client_stays: bool) -> int:
    """*app* called as a server calls it, with *body* in one piece; the client goes away after sending it
    unless it *client_stays*. The answer's status."""
    import asyncio

    async def run() -> int:
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        answers: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            if not client_stays:
                return {"type": "http.disconnect"}
            await asyncio.sleep(3600)
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            answers.append(message)

        path_only, _, query = path.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
                 "path": path_only, "raw_path": path_only.encode(), "query_string": query.encode(), "root_path": "",
                 "headers": [(b"content-type", media.encode()), (b"host", b"tcdocs")], "client": ("127.0.0.1", 1),
                 "server": ("127.0.0.1", 80)}
        await app(scope, receive, send)
        return int(next(m["status"] for m in answers if m["type"] == "http.response.start"))

    return asyncio.run(run())


@pytest.fixture
def slow_reads(monkeypatch) -> list[str]:
    """The names of the uploaded documents read, each read taking a twentieth of a second."""
    from tcdocs.loader import Uploads

    names: list[str] = []
    read = Uploads.read

    def slowly(self: Uploads, key: Any, shown: str) -> bytes:
        names.append(shown)
        time.sleep(0.05)
        return read(self, key, shown)

    monkeypatch.setattr(Uploads, "read", slowly)
    return names


def test_reading_a_case_stops_when_its_client_goes(slow_reads):
    from tcdocs.server import ServiceSettings, create_app

    names = [f"intresse-{number:03}.yaml" for number in range(100)]
    body = case_upload(["intresseanmalan.yaml"] * 100)[0]
    for name in names:
        body = body.replace(b'filename="intresseanmalan.yaml"', f'filename="{name}"'.encode(), 1)
    media = "multipart/form-data; boundary=tcdocs-arende-91c2"
    app = create_app(ServiceSettings(workers=1))
    assert asgi_call(app, "/v1/status?today=2028-03-20", body, media, client_stays=True) == 200
    assert sorted(slow_reads) == names
    slow_reads.clear()
    # The client goes once the body is sent: the reading stops at the next document.
    asgi_call(app, "/v1/status?today=2028-03-20", body, media, client_stays=False)
    assert 0 < len(slow_reads) < 20
    # And a client that stays gets 503 at the time limit, from the document the reading had come to.
    slow_reads.clear()
    hasty = create_app(ServiceSettings(workers=1, timeout=0.2))
    assert asgi_call(hasty, "/v1/status?today=2028-03-20", body, media, client_stays=True) == 503
    assert 0 < len(slow_reads) < 20


def long_application() -> bytes:
    """The example ansökan with every text at its longest paragraphs: a PDF that takes seconds to lay out."""
    data = json.loads(example_json("ansokan"))
    paragraph = " ".join(["Regionen arbetar vidare med kompetensförsörjningen tillsammans med företagen i länet."] * 20)
    text = "\n\n".join([paragraph] * 10)
    for key in ("summary", "current_situation", "vision", "financing", "quality"):
        data[key] = text
    for criterion in data["criteria"].values():
        criterion["current"] = text
    return json.dumps(data, ensure_ascii=False).encode()


def test_a_render_stops_in_its_worker_when_its_client_goes(server):
    body = long_application()
    port = int(str(server).rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /v1/documents/ansokan?format=pdf HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"X-Request-Id: borta-1\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        time.sleep(1.5)
    deadline = time.monotonic() + 60
    while "borta-1" not in server.log_text():
        assert time.monotonic() < deadline, "the request was never logged"
        time.sleep(0.2)
    log = server.log_text()
    # Stopped in its worker, or taken from the queue before a worker began it: either way never finished.
    assert any(f"for a client that went away: {how}" in log for how in ("the client went away; the render was stopped",
                                                                        "taken from the queue"))
    assert "(the client went away; the work for it was stopped)" in next(line for line in log.splitlines() if "borta-1" in line)
    assert "tcdocs_worker_restarts_total 0.0" in call(f"{server}/metrics")[2].decode()


@pytest.mark.parametrize("name", ["../sodervik/samverkansavtal.yaml", "/etc/samverkansavtal.yaml"])
def test_an_uploaded_reference_is_found_by_its_file_name_alone(server, name):
    boundary = "tcdocs-grans-7f3a"
    hangavtal = (EXAMPLES / "hangavtal.yaml").read_bytes().replace(b"agreement: samverkansavtal.yaml", f"agreement: '{name}'".encode())
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="hangavtal.yaml"\r\n'
            "Content-Type: application/yaml\r\n\r\n".encode() + hangavtal + b"\r\n"
            + f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="samverkansavtal.yaml"\r\n'
            "Content-Type: application/yaml\r\n\r\n".encode() + (EXAMPLES / "samverkansavtal.yaml").read_bytes() + b"\r\n"
            + f"--{boundary}--\r\n".encode())
    status, _, answer = call(f"{server}/v1/validate/hangavtal", body, f"multipart/form-data; boundary={boundary}", language="sv")
    assert status == 422
    [problem] = json.loads(answer)["problems"]
    assert (problem["path"], problem["message"]) == ("agreement", f"'{name}' är inte ett filnamn: ett dokument hänvisar till ett "
                                                                  "annat med bara dess filnamn, och filen ligger i samma mapp")


@pytest.mark.parametrize("how", ["document-and-files", "nfc-and-nfd"])
def test_two_parts_of_one_name_are_refused_whatever_their_fields_or_normalisation(server, how):
    import unicodedata

    boundary = "tcdocs-arende-91c2"
    body, media = case_upload(["samverkansavtal.yaml", "intresseanmalan.yaml"], boundary)
    if how == "document-and-files":
        body = body.replace(b'name="files"; filename="intresseanmalan.yaml"', b'name="document"; filename="samverkansavtal.yaml"')
        name = "samverkansavtal.yaml"
    else:
        name = "Åsby.yaml"
        body = body.replace(b'filename="samverkansavtal.yaml"', f'filename="{unicodedata.normalize("NFC", name)}"'.encode())
        body = body.replace(b'filename="intresseanmalan.yaml"', f'filename="{unicodedata.normalize("NFD", name)}"'.encode())
    status, _, answer = call(f"{server}/v1/status?today=2028-03-20", body, media, language="sv")
    assert status == 400 and json.loads(answer)["detail"].startswith(f"två filer heter '{name}'")


def test_metrics_label_requests_by_route_never_by_what_the_path_holds(server):
    for path in ("/v1/schema/19121212-1212", "/v1/finns-inte/19121212-1212", "/assets/19121212-1212.js"):
        call(f"{server}{path}")
    metrics = call(f"{server}/metrics")[2].decode()
    assert "19121212" not in metrics
    routes = {line.split('route="')[1].split('"')[0] for line in metrics.splitlines() if line.startswith("tcdocs_requests_total{")}
    assert {"/v1/schema/{kind}", "(no route)", "/assets/{name}"} <= routes


def test_requests_refused_for_want_of_a_token_leave_no_trace_in_the_metrics(token_server):
    for number in range(20):
        call(f"{token_server}/v1/ingen-nyckel-{number}")
    right = urllib.request.Request(f"{token_server}/metrics", headers={"Authorization": "Bearer hemlig-nyckel-0123456789"})
    with urllib.request.urlopen(right, timeout=30) as response:
        metrics = response.read().decode()
    assert 'status="401"' not in metrics and "ingen-nyckel" not in metrics


def test_no_pages_that_load_scripts_from_other_sites(server):
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert call(f"{server}{path}")[0] == 404
    assert call(f"{server}/openapi.json")[0] == 200
