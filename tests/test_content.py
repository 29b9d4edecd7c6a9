"""The content subset: what a wording template may produce, and what it may not."""

import pytest

from tcdocs.content import parse_content
from tcdocs.errors import TemplateError


def test_allowed_markup_parses():
    root = parse_content("<article><h2>§ 1 Parter</h2><p class='lead'>a &amp; <strong>b</strong><br/>c</p></article>", "t")
    assert [e.tag for e in root.iter()] == ["article", "h2", "p", "strong", "br"]


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("<article><img src='file:///etc/passwd'/></article>", "<img> is not allowed"),
        ("<article><p style='font-size:1000cm'>x</p></article>", "attribute 'style'"),
        ("<article><p class='evil'>x</p></article>", "class 'evil'"),
        ("<article><link rel='attachment' href='/etc/passwd'/></article>", "<link> is not allowed"),
        ("<div>x</div>", "one <article>"),
        ("<article><p>x</article>", "malformed markup"),
        ("<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><article>&e;</article>", "template error"),
    ],
    ids=["img", "style", "class", "attachment", "root", "malformed", "entity"],
)
def test_markup_outside_the_subset_is_a_template_error(markup, message):
    with pytest.raises(TemplateError, match=message):
        parse_content(markup, "agreements/test.html.j2")
