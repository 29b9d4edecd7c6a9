"""New values written into a data file's text: only the values change, every comment and line stays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tcdocs.data import read_data
from tcdocs.yamledit import UnwritableChange, write_values

TEXT = """\
# Ett avtal
kind: samverkansavtal   # slaget
dnr: KS 2026/0412
parties:
  - name: Nordviks kommun
    represented_by: 'kommunstyrelsen'
    note: "citerad"
  - name: Åsby kommun
period:
  start: 2028-05-01    # samma dag
clauses:
  - title: Antagning
    text: |
      Första stycket, som
      bryts över rader.

      Andra stycket.
criteria:
  6:
    observations: Bra.
flow: {a: 1}
"""


def diff(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=False) if a != b]


def test_a_plain_value_stays_plain_and_its_comment_stays():
    after = write_values(TEXT, {("period", "start"): dt.date(2028, 8, 1), ("parties", 1, "name"): "Åsby stad"})
    assert diff(TEXT, after) == [
        ("  - name: Åsby kommun", "  - name: Åsby stad"),
        ("  start: 2028-05-01    # samma dag", "  start: 2028-08-01    # samma dag"),
    ]


@pytest.mark.parametrize(
    ("path", "value", "line"),
    [
        (("parties", 0, "represented_by"), "kommunens nämnd", "    represented_by: 'kommunens nämnd'"),
        (("parties", 0, "represented_by"), "Nämnden's", "    represented_by: 'Nämnden''s'"),
        (("parties", 0, "note"), 'med "citat"', '    note: "med \\"citat\\""'),
        (("parties", 1, "name"), "Åsby: kommun # 2", '  - name: "Åsby: kommun # 2"'),
        (("parties", 1, "name"), "null", '  - name: "null"'),
        (("dnr",), Decimal("12.50"), "dnr: 12.50"),
    ],
    ids=["single-quoted", "apostrophe", "double-quoted", "needs-quotes", "null", "number"],
)
def test_a_value_is_written_in_its_style_where_the_style_can_hold_it(path, value, line):
    after = write_values(TEXT, {path: value})
    [(_, new)] = diff(TEXT, after)
    assert new == line
    data, _ = read_data(after)
    node = data
    for part in path:
        node = node[part]
    assert node == str(value)


def test_a_block_of_text_stays_a_block_at_its_indentation():
    after = write_values(TEXT, {("clauses", 0, "text"): "Första stycket, som\nbryts över rader.\n\nEtt nytt andra stycke."})
    assert "    text: |-\n      Första stycket, som\n      bryts över rader.\n\n      Ett nytt andra stycke.\ncriteria:" in after


def test_a_criterion_is_found_however_the_file_names_it():
    after = write_values(TEXT, {("criteria", "larmiljo", "observations"): "Mycket bra."})
    assert diff(TEXT, after) == [("    observations: Bra.", "    observations: Mycket bra.")]


def test_a_field_the_file_does_not_give_is_added_at_the_end_of_its_part():
    after = write_values(TEXT, {("parties", 1, "represented_by"): "kommunstyrelsen"})
    assert "  - name: Åsby kommun\n    represented_by: kommunstyrelsen\nperiod:" in after


def test_a_change_with_no_place_in_the_file_is_refused():
    with pytest.raises(UnwritableChange):
        write_values(TEXT, {("flow", "b"): "2"})
    with pytest.raises(UnwritableChange):
        write_values(TEXT, {("missing", "part"): "x"})
