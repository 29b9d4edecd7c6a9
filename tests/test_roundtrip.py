"""The Word round trip through the service: an edited Word file read against its data, two versions compared."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import pytest
from lxml import etree

pytest.importorskip("fastapi", reason="the server extra is not installed")

from .conftest import EXAMPLES
from .test_server import Service, call, start
from .word_edits import q, retype

BOUNDARY = "tcdocs-grans-24"


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    yield from start("--jobs", "1", "--timeout", "60", "--max-body", "400000")


def multipart(*parts: tuple[str, str, bytes]) -> tuple[bytes, str]:
    body = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n\r\n'.encode() + data + b"\r\n"
        for field, name, data in parts
    )
    return body + f"--{BOUNDARY}--\r\n".encode(), f"multipart/form-data; boundary={BOUNDARY}"


def test_an_edited_word_file_comes_back_as_field_changes_and_the_new_data(service, examples):
    word = retype(examples["samverkansavtal"]["docx"], "parties.2.represented_by", "Barn- och utbildningsnämnden")
    body, media = multipart(
        ("word", "avtal.docx", word), ("document", "samverkansavtal.yaml", (EXAMPLES / "samverkansavtal.yaml").read_bytes())
    )
    status, _, answer = call(f"{service}/v1/read/samverkansavtal", body, media, language="sv")
    assert status == 200, answer[:300]
    reading = json.loads(answer)
    [field] = reading["fields"]
    assert (field["label"], field["old"], field["new"]) == ("Parter › 3 › Företrädd av", "kommunstyrelsen", "barn- och utbildningsnämnden")
    assert field["where"] == ["§ 1 Parter, tabell 1, rad 4, kolumn 4"]
    assert reading["valid"] and "    represented_by: barn- och utbildningsnämnden\n" in reading["yaml"]
    assert "# Samverkansavtal" in reading["yaml"]  # the file's comments are kept


def test_a_document_that_names_another_is_read_with_it_uploaded_together(service, examples):
    word = retype(examples["hangavtal"]["docx"], "party.represented_by", "Kommunfullmäktige")
    body, media = multipart(
        ("word", "hangavtal.docx", word),
        ("document", "hangavtal.yaml", (EXAMPLES / "hangavtal.yaml").read_bytes()),
        ("files", "samverkansavtal.yaml", (EXAMPLES / "samverkansavtal.yaml").read_bytes()),
    )
    status, _, answer = call(f"{service}/v1/read/hangavtal", body, media, language="sv")
    assert status == 200, answer[:300]
    assert [(f["old"], f["new"]) for f in json.loads(answer)["fields"]] == [("kommunstyrelsen", "kommunfullmäktige")]


def test_a_file_that_is_no_word_file_is_422_in_swedish(service):
    body, media = multipart(
        ("word", "avtal.docx", b"inte en zip"), ("document", "samverkansavtal.yaml", (EXAMPLES / "samverkansavtal.yaml").read_bytes())
    )
    status, _, answer = call(f"{service}/v1/read/samverkansavtal", body, media, language="sv")
    assert status == 422
    [problem] = json.loads(answer)["problems"]
    assert problem["file"] == "avtal.docx" and problem["message"].startswith("det här är ingen Word-fil (.docx)")


@pytest.mark.parametrize(
    ("parts", "status"),
    [((("document", "samverkansavtal.yaml"),), 400), ((("word", "avtal.docx"),), 400)],
    ids=["no-word-file", "no-data"],
)
def test_a_missing_part_is_400(service, parts, status):
    body, media = multipart(*((field, name, b"x") for field, name in parts))
    assert call(f"{service}/v1/read/samverkansavtal", body, media)[0] == status


def test_data_of_another_kind_than_the_address_is_422(service, examples):
    body, media = multipart(
        ("word", "avtal.docx", examples["samverkansavtal"]["docx"]), ("document", "beslut.yaml", (EXAMPLES / "beslut.yaml").read_bytes())
    )
    status, _, answer = call(f"{service}/v1/read/samverkansavtal", body, media)
    assert status == 422 and "kind: beslut" in answer.decode()


def test_a_word_file_over_the_body_limit_is_413(service):
    body, media = multipart(("word", "stor.docx", bytes(500_000)), ("document", "a.yaml", b"kind: beslut\n"))
    assert call(f"{service}/v1/read/beslut", body, media)[0] == 413


def test_two_versions_come_back_as_a_word_file_with_tracked_changes(service):
    old = (EXAMPLES / "samverkansavtal.yaml").read_bytes()
    new = old.replace(b"represented_by: kommunstyrelsen", "represented_by: kommunfullmäktige".encode(), 1)
    body, media = multipart(("old", "remiss.yaml", old), ("new", "slutversion.yaml", new))
    status, headers, docx = call(f"{service}/v1/compare/samverkansavtal?author=Sofia%20Ek", body, media)
    assert status == 200, docx[:300]
    assert "%C3%A4ndringar.docx" in {k.lower(): v for k, v in headers.items()}["content-disposition"]
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    assert [("".join(c.itertext()), c.get(q("author"))) for c in root.iter(q("del"), q("ins"))] == [
        ("Kommunstyrelsen", "Sofia Ek"),
        ("Kommunfullmäktige", "Sofia Ek"),
    ]


def test_comparing_needs_both_versions(service):
    body, media = multipart(("old", "remiss.yaml", (EXAMPLES / "beslut.yaml").read_bytes()))
    assert call(f"{service}/v1/compare/beslut", body, media)[0] == 400
