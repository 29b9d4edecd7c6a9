"""The page "Kontrollera en PDF" in a real browser: a signed PDF and its data checked as a person would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")
pytest.importorskip("selenium", reason="selenium is not installed")

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By

import tcdocs

from .conftest import EXAMPLES
from .reading import flat
from .test_page import CHROMEDRIVER, CHROMIUM, Page, assert_accessible, chrome
from .test_server import Service, start
from .test_signatures import Authority

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Chromium and its driver are not installed (apt-get install chromium chromium-driver)",
)

MINUTES = EXAMPLES / "styrgruppsprotokoll.yaml"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    service: Service
    for service in start("--jobs", "1", "--timeout", "60"):
        driver = chrome(tmp_path_factory.mktemp("hamtade"), tmp_path_factory.mktemp("chromium"))
        try:
            yield Page(driver, service.base, tmp_path_factory.mktemp("inga"))
        finally:
            driver.quit()


def check(page: Page, *uploads: tuple[str, object]) -> str:
    page.driver.get(f"{page.base}/kontrollera")
    for input_id, path in uploads:
        page.upload(input_id, path)
    page.find("#verify-go").click()
    try:
        page.wait.until(lambda _: "bekräftad" in page.text("verify-status"))
    except TimeoutException:
        raise AssertionError(f"the page says {page.text('verify-status')!r}") from None
    return page.text("verify-status")


def test_a_signed_pdf_is_checked_on_the_page(browser, tmp_path):
    authority = Authority("Sidans testrot")
    pdf, data, root = tmp_path / "protokoll.pdf", tmp_path / "protokoll.yaml", tmp_path / "rot.pem"
    pdf.write_bytes(authority.sign(tcdocs.render(tcdocs.load(MINUTES), "pdf"), "Sofia Ek"))
    data.write_bytes(MINUTES.read_bytes())
    root.write_bytes(authority.pem)
    said = check(browser, ("verify-pdf", pdf), ("verify-data", data), ("verify-trust", root))
    assert said.startswith("protokoll.pdf: bekräftad; det undertecknade dokumentet är precis vad dess uppgifter ger")
    lines = [flat(item.text) for item in browser.driver.find_elements(By.CSS_SELECTOR, "#verify-details li")]
    assert lines[0].startswith("Underskrift Sofia Ek: underskriven av Sofia Ek, ")
    assert lines[0].endswith("förtroende: certifikatet leder till den betrodda roten Sidans testrot")
    assert lines[1:] == ["Underskrift Annika Dahl: inte underskriven ännu", "Underskrift Ahmed Yousef: inte underskriven ännu"]
    assert_accessible(browser, "after a check")


def test_a_changed_pdf_is_not_verified_on_the_page(browser, tmp_path):
    authority = Authority("Sidans testrot")
    rendered = tcdocs.render(tcdocs.load(MINUTES), "pdf")
    signed = bytearray(authority.sign(rendered, "Sofia Ek"))
    signed[rendered.index(b"stream\n") + 100] ^= 0x01
    pdf, data = tmp_path / "andrad.pdf", tmp_path / "protokoll.yaml"
    pdf.write_bytes(bytes(signed))
    data.write_bytes(MINUTES.read_bytes())
    said = check(browser, ("verify-pdf", pdf), ("verify-data", data))
    assert said == "andrad.pdf: INTE bekräftad; dokumentet som skrevs under är inte det som dess uppgifter ger"
    assert "de undertecknade byten har ÄNDRATS" in browser.text("verify-details")


def test_the_documents_page_leads_to_the_check_and_back(browser):
    browser.driver.get(f"{browser.base}/")
    browser.driver.find_element(By.LINK_TEXT, "Kontrollera en PDF").click()
    browser.wait.until(lambda d: d.title == "Kontrollera en PDF – Teknikcollege-dokument")
    browser.driver.find_element(By.LINK_TEXT, "Tillbaka till dokumenten").click()
    browser.wait.until(lambda d: d.current_url == f"{browser.base}/")
