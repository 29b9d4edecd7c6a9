"""Bad YAML and bad data: every problem located as file:line:col: field: message."""

import itertools
import os
import shutil
from pathlib import Path

import pytest

import tcdocs
from tcdocs.data import Limits, read_data

from .conftest import EXAMPLES

GOOD = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8")


def problems(tmp_path: Path, text: str | bytes, limits: Limits | None = None) -> list[str]:
    path = tmp_path / "avtal.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(path, **({"limits": limits} if limits else {}))
    return [str(p) for p in caught.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_example_loads():
    doc = tcdocs.load(EXAMPLES / "samverkansavtal.yaml")
    assert doc.region == "Nordvik"
    assert len(doc.parties) == 5


def test_broken_syntax_names_line_and_column(tmp_path):
    found = problems(tmp_path, "kind: samverkansavtal\nparties: [one, two\ndnr: x\n")
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'avtal.yaml'}:")
    assert "YAML syntax" in found[0]
    assert ":3:" in found[0] or ":4:" in found[0]


def test_duplicate_key_names_both_lines(tmp_path):
    text = GOOD.replace("region: Nordvik\n", "region: Nordvik\nregion: Söderå\n")
    found = problems(tmp_path, text)
    second = line_of(text, "region: Söderå")
    assert found == [
        f"{tmp_path / 'avtal.yaml'}:{second}:1: region: duplicate key 'region'; it was already given on line {second - 1}"
    ]


def test_missing_field_points_at_its_mapping(tmp_path):
    text = GOOD.replace("    represented_by: barn- och utbildningsnämnden\n", "")
    found = problems(tmp_path, text)
    item = line_of(text, "- name: Strandbergs kommun")
    assert found == [f"{tmp_path / 'avtal.yaml'}:{item}:5: parties[1].represented_by: this field is required"]


def test_wrong_organisation_number(tmp_path):
    text = GOOD.replace("212999-0038", "212999-0039")
    found = problems(tmp_path, text)
    line = line_of(text, "212999-0039")
    assert found == [
        f"{tmp_path / 'avtal.yaml'}:{line}:5: parties[2].org_number: "
        "'212999-0039' has a wrong check digit; check the number against the register"
    ]


def test_fewer_than_three_municipalities(tmp_path):
    text = GOOD.replace("  - name: Ekeskogs kommun\n    org_number", "  - name: Ekeskogs kommun\n    type: region\n    org_number")
    text = text.replace("  - name: Åsby kommun\n    org_number", "  - name: Åsby kommun\n    type: region\n    org_number")
    found = problems(tmp_path, text)
    line = line_of(text, "parties:")
    assert found == [
        f"{tmp_path / 'avtal.yaml'}:{line}:1: parties: a Teknikcollege region needs at least 3 municipalities "
        "(type: kommun); this agreement has 2"
    ]


@pytest.mark.parametrize("escape", ["\\x01", "\\x0b", "\\x1f", "\\ufffe", "\\ud800"], ids=["01", "0b", "1f", "fffe", "surrogate"])
def test_control_character_in_a_name(tmp_path, escape):
    text = GOOD.replace("  - name: Åsby kommun\n", f'  - name: "Åsby{escape} kommun"\n')
    found = problems(tmp_path, text)
    line = line_of(text, "Åsby\\")
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'avtal.yaml'}:{line}:11: parties[2].name: the text holds the control character U+")


def test_raw_control_character_in_file(tmp_path):
    found = problems(tmp_path, GOOD.replace("region: Nordvik", "region: Nord\x01vik"))
    line = line_of(GOOD, "region: Nordvik")
    assert found == [f"{tmp_path / 'avtal.yaml'}:{line}:13: found the control character U+0001, which a document cannot hold; remove it"]


def test_every_problem_reported_at_once(tmp_path):
    text = GOOD.replace("212999-0038", "212999-0039").replace("date: 2026-11-24", "date: 2026-13-22")
    text = text.replace("notice_months: 12", "notice_months: 12\ncolour: red")
    found = problems(tmp_path, text)
    assert [p.split(": ", 1)[1].split(":")[0] for p in found] == ["date", "parties[2].org_number", "colour"]


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("kind: !!python/object/apply:os.system ['echo hacked']\n", "tags such as"),
        ("kind: &k samverkansavtal\ndnr: *k\n", "anchors"),
        ("a: [1]\nb: *c\n", "alias"),
    ],
    ids=["python-tag", "anchor", "alias"],
)
def test_tags_anchors_and_aliases_are_refused(tmp_path, yaml, message):
    found = problems(tmp_path, yaml)
    assert message in found[-1]
    assert ":1:" in found[-1] or ":2:" in found[-1]


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 9):
        previous, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    found = problems(tmp_path, "\n".join(lines) + "\n")
    assert "anchors" in found[0]


@pytest.mark.parametrize("depth", [5_000, 100_000], ids=["5k", "100k"])
def test_deep_nesting_is_refused(tmp_path, depth):
    found = problems(tmp_path, "[" * depth + "]" * depth + "\n")
    assert "nested more than 40 levels" in found[0]


def test_oversize_file_and_string(tmp_path):
    found = problems(tmp_path, GOOD, Limits(max_bytes=1000))
    assert "larger than 1000 bytes" in found[0]
    found = problems(tmp_path, GOOD.replace("region: Nordvik", "region: " + "x" * 30), Limits(max_string=20))
    assert "longer than 20 characters" in found[0]


def test_the_size_limit_counts_bytes_and_says_so_whatever_reads_the_document(tmp_path):
    # 600 letters of two bytes each: 1200 bytes, more than the limit, though fewer characters.
    text = "kind: samverkansavtal\nregion: " + "ö" * 600 + "\n"
    limits = Limits(max_bytes=1000)
    assert "avtal.yaml:1:1: the file is larger than 1000 bytes" in problems(tmp_path, text, limits)[0]
    expected = "the data is larger than 1000 bytes"
    with pytest.raises(tcdocs.LoadError, match=expected):
        tcdocs.load_text(text, "avtal.yaml", limits=limits)
    with pytest.raises(tcdocs.LoadError, match=expected):
        read_data(text.encode("utf-8"), "avtal.json", limits)
    referring = "kind: hangavtal\nagreement: avtal.yaml\n"
    uploads = tcdocs.Uploads({"avtal.yaml": text.encode("utf-8")}, limits)
    with pytest.raises(tcdocs.LoadError, match=expected):
        tcdocs.load_text(referring, "hangavtal.yaml", sources=uploads)


@pytest.mark.parametrize(
    ("yaml", "swedish"),
    [
        ("kind: &k samverkansavtal\n", "1:7: YAML-ankare (&namn) är inte tillåtna; skriv ut värdet"),
        ("kind: samverkansavtal\ndnr: *k\n", "2:6: YAML-alias (*namn) är inte tillåtna; skriv ut värdet"),
        ("kind: samverkansavtal\n---\nkind: beslut\n", "2:1: en fil innehåller ett dokument; ta bort det andra '---'"),
        ("kind: samverkansavtal\n[1, 2]: x\n", "2:1: ett fältnamn måste vara vanlig text"),
    ],
    ids=["anchor", "alias", "second-document", "key-not-text"],
)
def test_what_yaml_may_not_hold_is_said_in_swedish(tmp_path, yaml, swedish):
    path = tmp_path / "avtal.yaml"
    path.write_text(yaml, encoding="utf-8")
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(path)
    assert caught.value.format("sv") == f"{path}:{swedish}"


def test_implicit_typing_keeps_text_as_written(tmp_path):
    text = GOOD.replace("version: \"1.0\"", "version: 1.10").replace("dnr: KS 2026/0412", "dnr: 012345")
    text = text.replace("region: Nordvik", "region: NO").replace("phone: 0611-12 34 56", "phone: 22:22")
    path = tmp_path / "avtal.yaml"
    path.write_text(text, encoding="utf-8")
    doc = tcdocs.load(path)
    assert (doc.version, doc.dnr, doc.region, doc.process_leader.phone) == ("1.10", "012345", "NO", "22:22")


def test_bom_is_accepted_and_bad_utf8_located(tmp_path):
    path = tmp_path / "avtal.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert tcdocs.load(path).region == "Nordvik"
    found = problems(tmp_path, GOOD.encode("utf-8").replace(b"region: Nordvik", b"region: Nordv\xe4k"))
    line = line_of(GOOD, "region: Nordvik")
    assert found == [f"{tmp_path / 'avtal.yaml'}:{line}:14: byte 0xE4 is not UTF-8; save the file as UTF-8"]


def test_tab_indentation_is_a_syntax_error(tmp_path):
    found = problems(tmp_path, "kind: samverkansavtal\nperiod:\n\tstart: 2027-01-01\n")
    assert "YAML syntax" in found[0]
    assert ":3:" in found[0]


def test_unknown_kind(tmp_path):
    found = problems(tmp_path, "kind: avtal\n")
    kinds = ", ".join(tcdocs.kinds())
    assert found == [f"{tmp_path / 'avtal.yaml'}:1:1: kind: unknown document kind 'avtal'; use one of: {kinds}"]


def test_missing_file():
    with pytest.raises(tcdocs.LoadError, match="cannot read the file"):
        tcdocs.load("does-not-exist.yaml")


# --- files that are not files: never a hang, never a traceback ----------------------------------------

def special_files(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "rör.yaml"
    os.mkfifo(fifo)
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    (tmp_path / "mapp.yaml").mkdir()
    return {"fifo": fifo, "device": Path("/dev/zero"), "loop": tmp_path / "a.yaml", "folder": tmp_path / "mapp.yaml",
            "missing": tmp_path / "saknas.yaml"}


@pytest.mark.parametrize(
    ("kind", "message"),
    [("fifo", "not a regular file"), ("device", "not a regular file"), ("loop", "symbolic links form a loop"),
     ("folder", "this is a folder"), ("missing", "there is no such file")],
)
def test_a_file_that_is_not_a_regular_file_is_refused_at_once(tmp_path, kind, message):
    path = special_files(tmp_path)[kind]
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(path)
    [problem] = caught.value.problems
    assert problem.file == str(path) and message in problem.message


@pytest.mark.parametrize(("kind", "message"), [("fifo", "not a regular file"), ("device", "not a regular file"),
                                             ("loop", "symbolic links form a loop")])
def test_a_reference_to_a_special_file_names_both_files(tmp_path, kind, message):
    target = special_files(tmp_path)[kind]
    if target.parent != tmp_path:  # /dev/zero, by a link in the case's folder
        (tmp_path / "noll.yaml").symlink_to(target)
        target = tmp_path / "noll.yaml"
    source = tmp_path / "hangavtal.yaml"
    source.write_text((EXAMPLES / "hangavtal.yaml").read_text(encoding="utf-8").replace("samverkansavtal.yaml", target.name),
                      encoding="utf-8")
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(source)
    [problem] = [p for p in caught.value.problems if p.path == "agreement"]
    assert problem.file == str(source) and f"{target}: " in problem.message and message in problem.message


def test_a_file_name_that_is_not_utf8_is_printed_without_a_traceback(tmp_path, capsys):
    from tcdocs.cli import main

    name = os.fsdecode(b"avtal-\xff.yaml")
    (tmp_path / name).write_text("kind: samverkansavtal\n", encoding="utf-8")
    code = main(["validate", str(tmp_path / name)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "avtal-\ufffd.yaml:1:1:" in err


# --- JSON is read by the same reader, with the same rules -----------------------------------------------

def test_json_with_a_duplicate_key_is_refused_like_yaml():
    with pytest.raises(tcdocs.LoadError) as caught:
        read_data('{"kind": "samverkansavtal",\n "dnr": "A",\n "dnr": "B"}', "begäran", syntax="JSON")
    [problem] = caught.value.problems
    assert (problem.line, problem.path) == (3, "dnr") and "duplicate key 'dnr'" in problem.message


def test_deeply_nested_json_is_refused_without_recursion():
    with pytest.raises(tcdocs.LoadError, match="nested more than 40 levels"):
        read_data("[" * 100_000 + "]" * 100_000, "begäran", syntax="JSON")


def test_json_keeps_numbers_as_written_for_the_model():
    data, positions = read_data('{"kind": "samverkansavtal", "amount": 2.50, "big": ' + "9" * 5000 + "}", "begäran", syntax="JSON")
    assert data["amount"] == "2.50" and data["big"] == "9" * 5000 and positions[("big",)][0] == 1


# --- references: each file is read once, whatever names it --------------------------------------------

BESLUT = (EXAMPLES / "beslut.yaml").read_text(encoding="utf-8")


def beslut_chain(folder: Path, length: int) -> list[Path]:
    """*length* beslut files, each naming the next as both its protocol and its answer; the last is no document."""
    paths = [folder / f"beslut-{number:02}.yaml" for number in range(length + 1)]
    for path, following in itertools.pairwise(paths):
        text = BESLUT.replace("protocol: granskningsprotokoll.yaml", f"protocol: {following.name}")
        path.write_text(text.replace("response: svar.yaml", f"response: {following.name}"), encoding="utf-8")
    paths[-1].write_text("dnr: RTS 2028/001\n", encoding="utf-8")
    return paths


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The name of every file tcdocs reads, each time it reads one."""
    from tcdocs import loader

    names: list[str] = []

    def read_file(path: Path, limits: Limits) -> bytes:
        names.append(path.name)
        return loader_read(path, limits)

    loader_read = loader.read_file
    monkeypatch.setattr(loader, "read_file", read_file)
    return names


def test_a_chain_of_references_reads_each_file_once(tmp_path, reads):
    paths = beslut_chain(tmp_path, 16)
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(paths[0])
    # Each beslut names the next twice; the last cannot be used, and that too is found once.
    assert sorted(reads) == [path.name for path in paths]
    assert [(p.file, p.path) for p in caught.value.problems] == [(str(paths[0]), "protocol"), (str(paths[0]), "response")]


@pytest.mark.parametrize("command", ["validate", "status"])
def test_a_chain_of_references_is_read_once_by_the_commands(tmp_path, reads, command, capsys):
    from tcdocs.cli import main

    paths = beslut_chain(tmp_path, 16)
    arguments = [str(path) for path in paths] if command == "validate" else [str(tmp_path), "--today", "2028-05-02"]
    assert main([command, *arguments]) == 1
    assert sorted(reads) == [path.name for path in paths]
    assert "Traceback" not in capsys.readouterr().err


def test_a_reference_that_cannot_be_used_is_said_once_for_each_field_that_names_it(tmp_path):
    paths = beslut_chain(tmp_path, 2)
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(paths[1])
    [protocol, response] = caught.value.problems
    assert (protocol.path, response.path) == ("protocol", "response")
    missing = f"{paths[2]}:1:1: kind: missing 'kind:'"
    assert protocol.message.count(missing) == 1
    assert response.message.endswith(f"\n    {paths[2]}: its problems are listed above, where it is first named")


# --- references stay in the case's folder ----------------------------------------------------------------

HANGAVTAL = (EXAMPLES / "hangavtal.yaml").read_text(encoding="utf-8")


def region_folders(tmp_path: Path) -> tuple[Path, Path]:
    """Two regions' folders side by side in ``regioner``; the second one's samverkansavtal, and another beside ``regioner``."""
    ours, theirs = tmp_path / "regioner" / "nordvik", tmp_path / "regioner" / "sodervik"
    ours.mkdir(parents=True)
    theirs.mkdir()
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", theirs)
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", tmp_path)
    return ours, theirs


@pytest.mark.parametrize("name", ["/etc/passwd", "../sodervik/samverkansavtal.yaml", "sodervik/../samverkansavtal.yaml",
                                  "..", "avtal\\samverkansavtal.yaml"])
def test_a_reference_is_a_file_name_in_the_same_folder_and_nothing_else_is_read(tmp_path, reads, name):
    ours, _ = region_folders(tmp_path)
    (ours / "hangavtal.yaml").write_text(HANGAVTAL.replace("agreement: samverkansavtal.yaml", f"agreement: '{name}'"), encoding="utf-8")
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(ours / "hangavtal.yaml")
    [problem] = caught.value.problems
    assert problem.path == "agreement"
    assert problem.text("sv") == (
        f"'{name}' är inte ett filnamn: ett dokument hänvisar till ett annat med bara dess filnamn, och filen ligger i samma mapp")
    assert reads == ["hangavtal.yaml"]


def test_a_caller_may_allow_files_anywhere_inside_a_folder_it_names(tmp_path, reads):
    ours, theirs = region_folders(tmp_path)
    text = HANGAVTAL.replace("agreement: samverkansavtal.yaml", "agreement: ../sodervik/samverkansavtal.yaml")
    doc = tcdocs.load_text(text, "hangavtal.yaml", sources=tcdocs.Files(ours, within=tmp_path / "regioner"))
    assert isinstance(doc, tcdocs.Hangavtal) and doc.agreement.region == "Nordvik"
    assert reads == ["samverkansavtal.yaml"]
    # Nothing outside that folder, whatever the path says.
    escape = HANGAVTAL.replace("agreement: samverkansavtal.yaml", "agreement: ../../samverkansavtal.yaml")
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load_text(escape, "hangavtal.yaml", sources=tcdocs.Files(ours, within=tmp_path / "regioner"))
    assert f"{tmp_path / 'samverkansavtal.yaml'}: the file lies outside the folder {tmp_path / 'regioner'}, and is not read" in str(
        caught.value)
    assert reads == ["samverkansavtal.yaml"]


@pytest.mark.parametrize(("on_disk", "named"), [("NFD", "NFC"), ("NFC", "NFD")])
def test_a_file_name_is_found_whatever_its_unicode_normalisation(tmp_path, on_disk, named):
    import unicodedata

    name = "Åsby-avtal.yaml"
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", tmp_path / unicodedata.normalize(on_disk, name))
    text = HANGAVTAL.replace("agreement: samverkansavtal.yaml", f"agreement: {unicodedata.normalize(named, name)}")
    (tmp_path / "hangavtal.yaml").write_text(text, encoding="utf-8")
    assert tcdocs.load(tmp_path / "hangavtal.yaml").agreement.region == "Nordvik"
    uploads = tcdocs.Uploads({unicodedata.normalize(on_disk, name): (EXAMPLES / "samverkansavtal.yaml").read_bytes()})
    assert tcdocs.load_text(text, "hangavtal.yaml", sources=uploads).agreement.region == "Nordvik"
    # And a message names it one way, whichever way it was written.
    (tmp_path / unicodedata.normalize(on_disk, name)).write_text("kind: samverkansavtal\n", encoding="utf-8")
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(tmp_path / "hangavtal.yaml")
    message = caught.value.problems[0].message
    assert unicodedata.normalize("NFC", message) == message and f"{tmp_path / name}:1:1:" in message
