"""The page's case view in a real browser: a processledare takes a case from nothing to a beslut with RTS
kansli, each document's file opened once, the later documents naming the earlier ones from the case."""

from __future__ import annotations

from collections.abc import Iterator


import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")
pytest.importorskip("selenium", reason="selenium is not installed")

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tcdocs.store import User, open_store

from .conftest import EXAMPLES
from .reading import flat
from .test_page import CHROMIUM, CHROMEDRIVER, Page, assert_accessible, chrome
from .test_server import Service, start

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Chromium and its driver are not installed (apt-get install chromium chromium-driver)",
)

ADMIN = User("Ada Admin", "admin")


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('arenden') / 'cases.db'}"
    with open_store(url) as store:
        tokens = {
            "anna": store.add_user("Anna Berg", "processledare", "Nordvik", by=ADMIN)[1],
            "rut": store.add_user("Rut Kansli", "rts", by=ADMIN)[1],
        }
    return url, tokens


@pytest.fixture(scope="module")
def service(people: tuple[str, dict[str, str]]) -> Iterator[Service]:
    yield from start("--jobs", "1", "--timeout", "60", "--db", people[0])


@pytest.fixture(scope="module")
def page(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    downloads = tmp_path_factory.mktemp("hamtade")
    driver = chrome(downloads)
    try:
        browser = Page(driver, service.base, downloads)
        browser.open()
        yield browser
    finally:
        driver.quit()


def sign_in(page: Page, token: str) -> None:
    """Go to the cases (changing user if someone is signed in) and give the key when the page asks for it,
    as a person pastes it and presses Enter."""
    page.press(page.find("#to-cases"))
    page.wait.until(lambda _: page.find("#token-dialog").is_displayed() or page.find("#sign-out").is_displayed())
    if not page.find("#token-dialog").is_displayed():
        page.press(page.find("#sign-out"))
    page.wait.until(lambda _: page.find("#token").is_displayed())
    page.find("#token").send_keys(token, Keys.ENTER)
    page.wait.until(lambda _: "Inloggad som" in page.text("cases-who") and page.find("#case-list").is_displayed())


def open_case(page: Page, region: str = "Nordvik") -> None:
    """Open the region's case from the list of cases the page shows after signing in."""
    page.wait.until(lambda _: region in page.text("cases-list"))
    [item] = [item for item in page.driver.find_elements(By.CSS_SELECTOR, "#cases-list button") if region in item.text]
    page.press(item)
    page.wait.until(lambda _: page.find("#case-heading").is_displayed() and region in page.text("case-heading"), page.text("cases-note") + str(page.driver.get_log("browser")))


def add_files(page: Page, *names: str) -> None:
    page.upload("case-files", *(EXAMPLES / name for name in names))
    for name in names:
        page.wait.until(lambda _, name=name: f"{name}: sparat som version 1" in page.text("case-added"))


def documents(page: Page) -> str:
    return page.text("case-documents")


def test_a_case_from_nothing_to_a_beslut_each_file_opened_once(page, people, service):
    _, tokens = people
    sign_in(page, tokens["anna"])
    assert page.text("cases-who") == "Inloggad som Anna Berg, processledare för Teknikcollege Nordvik."
    assert "Inga ärenden än." in page.text("cases-list")
    assert page.find("#new-case-region").get_attribute("value") == "Nordvik"
    assert_accessible(page, "the list of cases")
    page.press(page.find("#new-case-open"))
    page.wait.until(lambda _: page.text("case-heading") == "Ärende 1, Teknikcollege Nordvik")

    # The region's first documents, from their files.
    add_files(page, "samverkansavtal.yaml", "intresseanmalan.yaml")
    assert "samverkansavtal.yaml, version 1, sparad" in documents(page)

    # The ansökan written in the form: its samverkansavtal comes from the case, never uploaded again.
    Select(page.find("#case-new-kind")).select_by_visible_text("Ansökan")
    page.press(page.find("#case-new"))
    page.wait.until(lambda _: page.find("#in-case").is_displayed())
    assert "nytt dokument, Ansökan (ansokan.yaml)" in page.text("in-case-what")
    _, chosen = page.part("agreement").find_elements(By.CSS_SELECTOR, "select")
    assert Select(chosen).first_selected_option.text == "samverkansavtal.yaml"  # chosen from the case
    page.upload("open-file", EXAMPLES / "ansokan.yaml")
    page.wait.until(lambda _: page.find("#ask").is_displayed())  # the chosen agreement is data: replace it?
    page.press(page.find("#ask-yes"))
    page.settled()
    page.status_says("Inga problem")
    note = page.find("#save-note")
    page.into_view(note).click()
    note.send_keys("första versionen")
    page.press(page.find("#save-in-case"))  # straight after typing, no Tab first
    page.wait.until(lambda _: page.text("in-case-note") == "Sparat i ärendet som version 1.")
    assert_accessible(page, "a case's document in the form")
    page.press(page.find("#back-to-case"))
    page.wait.until(lambda _: "ansokan.yaml, version 1" in documents(page) and "första versionen" in documents(page))

    # RTS kansli writes its own documents, and cannot change the region's agreement.
    sign_in(page, tokens["rut"])
    open_case(page)
    assert page.text("cases-who") == "Inloggad som Rut Kansli, RTS kansli."
    agreement = page.find("#case-documents li:first-child")
    assert "Samverkansavtal" in agreement.text
    labels = [button.get_attribute("aria-label") for button in agreement.find_elements(By.CSS_SELECTOR, "button")]
    assert "Läs Samverkansavtal i formuläret" in labels and "Ändra Samverkansavtal i formuläret" not in labels
    assert [option.text for option in Select(page.find("#case-new-kind")).options] == ["Återkoppling", "Granskningsprotokoll", "Beslut"]
    add_files(page, "aterkoppling.yaml", "granskningsprotokoll.yaml")
    page.press(agreement.find_element(By.CSS_SELECTOR, "button"))
    page.wait.until(lambda _: "Du kan läsa men inte ändra dokumentet." in page.text("in-case-what"))
    assert not page.find("#save-in-case").is_displayed()
    page.press(page.find("#back-to-case"))

    # The region answers the protocol; RTS kansli decides.
    sign_in(page, tokens["anna"])
    open_case(page)
    add_files(page, "svar.yaml")
    sign_in(page, tokens["rut"])
    open_case(page)
    add_files(page, "beslut.yaml")
    road = page.text("case-road")
    assert "12 Beslut 2028-04-20 beslut.yaml" in road and "10 Svar på protokoll 2028-02-22 svar.yaml" in road
    assert page.text("case-problems") == "Inga."
    assert "Rut Kansli sparade beslut.yaml version 1 från filen beslut.yaml" in flat(page.text("case-log-table"))
    assert_accessible(page, "the case")

    # A restart of the service keeps everything: the page, opened again, shows the same case.
    service.process.terminate()
    service.process.wait(timeout=30)
    again = start("--jobs", "1", "--db", people[0])
    running = next(again)
    try:
        page.base = running.base
        page.open(fresh=True)
        sign_in(page, tokens["anna"])
        assert "Teknikcollege Nordvik" in page.text("cases-list") and "steg" in page.text("cases-list")
        open_case(page)
        assert "12 Beslut 2028-04-20 beslut.yaml" in page.text("case-road")
        assert "ansokan.yaml, version 1" in documents(page)
    finally:
        again.close()
        page.base = service.base


def test_a_save_that_comes_second_sees_the_other_and_loses_nothing(page, people, service):
    _, tokens = people
    sign_in(page, tokens["anna"])
    open_case(page)
    change = [b for b in page.driver.find_elements(By.CSS_SELECTOR, "#case-documents button") if b.get_attribute("aria-label") == "Ändra Intresseanmälan i formuläret"]
    page.press(change[0])
    page.wait.until(lambda _: page.find("#in-case").is_displayed())
    page.settled()
    # Meanwhile someone else saves the same document.
    url = people[0]
    with open_store(url) as store:
        anna = User("Anna Berg", "processledare", "Nordvik")
        version, text = store.read(1, "intresseanmalan.yaml", by=anna)
        store.save(1, "intresseanmalan.yaml", text.replace("kind: intresseanmalan", "kind: intresseanmalan\n# annan"), base=version.number,
                   by=User("Bo Ek", "admin"), note="Bos ändring")
    page.type("dnr", "NV 2027/999")
    page.settled()
    page.press(page.find("#save-in-case"))
    page.wait.until(lambda _: page.find("#conflict").is_displayed())
    said = page.text("conflict-text")
    assert said.startswith("Bo Ek sparade version 2 av dokumentet") and "(Bos ändring)" in said
    assert "din text står kvar i formuläret" in said
    assert "Diarienummer" in page.text("conflict-changes") and "NV 2027/999" in page.text("conflict-changes")
    assert page.field("dnr").get_attribute("value") == "NV 2027/999"  # nothing lost
    page.press(page.find("#conflict-mine"))
    page.wait.until(lambda _: page.text("in-case-note") == "Sparat i ärendet som version 3.")
    with open_store(url) as store:
        history = store.history(1, "intresseanmalan.yaml", by=User("Ada Admin", "admin"))
    assert [(v.number, v.author) for v in history] == [(1, "Anna Berg"), (2, "Bo Ek"), (3, "Anna Berg")]


def test_versions_are_compared_and_downloaded_by_keyboard_at_400_px(page, people):
    _, tokens = people
    page.driver.set_window_size(400, 900)
    try:
        sign_in(page, tokens["anna"])
        open_case(page)
        box = page.driver.find_elements(By.CSS_SELECTOR, "#case-documents details.versions")[1]  # the intresseanmälan's
        summary = box.find_element(By.CSS_SELECTOR, "summary")
        page.into_view(summary).send_keys(Keys.ENTER)
        page.wait.until(lambda _: len(box.find_elements(By.CSS_SELECTOR, ".version-list li")) == 3)
        show = [b for b in box.find_elements(By.CSS_SELECTOR, "button") if b.text == "Visa skillnaderna"][0]
        show.send_keys(Keys.ENTER)  # version 2 with version 3
        page.wait.until(lambda _: "Diarienummer" in box.text)
        assert "NV 2027/999" in box.text
        width = page.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, "the case view is wider than the window"
        [word] = [b for b in box.find_elements(By.CSS_SELECTOR, "button") if b.get_attribute("aria-label") == "Version 1 som Word"]
        word.send_keys(Keys.ENTER)
        saved = page.downloaded(".docx")
        assert saved.read_bytes().startswith(b"PK")
        assert_accessible(page, "versions compared at 400 px")
    finally:
        page.driver.set_window_size(1400, 1000)



