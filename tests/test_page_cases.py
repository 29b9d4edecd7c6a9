"""The page's case view in a real browser: a processledare takes a case from nothing to a beslut with RTS
kansli, each document's file opened once, the later documents naming the earlier ones from the case.

The tests of this module follow one case in order, as the people working on it do: they share one
service (restarted by the last test), one store and one browser. A click comes straight after typing, as a
person's does, never after a Tab that would first let the page settle.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")
pytest.importorskip("selenium", reason="selenium is not installed")

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from tcdocs.store import User, open_store

from .conftest import EXAMPLES
from .reading import docx_body, docx_header, flat
from .test_page import CHROMEDRIVER, CHROMIUM, Page, assert_accessible, chrome
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


class Running:
    """The service the page talks to, which a test may restart on the same store."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.starting = start("--jobs", "1", "--timeout", "60", "--db", url)
        self.now: Service = next(self.starting)

    def restart(self) -> Service:
        self.starting.close()  # terminates the process and waits for it
        self.starting = start("--jobs", "1", "--timeout", "60", "--db", self.url)
        self.now = next(self.starting)
        return self.now


@pytest.fixture(scope="module")
def service(people: tuple[str, dict[str, str]]) -> Iterator[Running]:
    running = Running(people[0])
    try:
        yield running
    finally:
        running.starting.close()


@pytest.fixture(scope="module")
def page(service: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    downloads = tmp_path_factory.mktemp("hamtade")
    driver = chrome(downloads, tmp_path_factory.mktemp("chromium"))
    try:
        browser = Page(driver, service.now.base, downloads)
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
    page.wait.until(lambda _: page.find("#case-heading").is_displayed() and region in page.text("case-heading"))


def add_files(page: Page, *names: str) -> None:
    page.upload("case-files", *(EXAMPLES / name for name in names))
    for name in names:
        page.wait.until(lambda _, name=name: f"{name}: sparat som version 1" in page.text("case-added"))


def document_item(page: Page, name: str) -> WebElement:
    """The case's document *name* in the list of its documents."""
    [item] = [item for item in page.driver.find_elements(By.CSS_SELECTOR, "#case-documents > li") if name in item.text]
    return item


def documents(page: Page) -> str:
    return page.text("case-documents")


def key(page: Page, key: str) -> None:
    """Press a key where the focus is, as a person at the keyboard does."""
    ActionChains(page.driver).send_keys(key).perform()


def in_window(page: Page, *ids: str) -> dict[str, bool]:
    """Whether each element is wholly in the window, and not under the bar at its bottom unless it is in it."""
    return dict(page.driver.execute_script(
        """
        const bar = document.getElementById('outcome').getBoundingClientRect();
        const seen = {};
        for (const id of arguments[0]) {
          const element = id === ':focus' ? document.activeElement : document.getElementById(id);
          const box = element.getBoundingClientRect();
          const under = !element.closest('#outcome') && box.bottom > bar.top;
          seen[id] = box.height > 0 && box.top >= 0 && box.bottom <= innerHeight && box.left >= 0
            && box.right <= document.documentElement.clientWidth && !under;
        }
        return seen;
        """, list(ids)))


def open_in_form(page: Page, label: str) -> None:
    """Press a document's button in the case (by its accessible name) and wait for its form, checked."""
    [found] = [b for b in page.driver.find_elements(By.CSS_SELECTOR, "#case-documents button") if b.get_attribute("aria-label") == label]
    page.press(found)
    page.wait.until(lambda _: page.find("#in-case").is_displayed())
    page.settled()


def open_file_in_form(page: Page, name: str) -> None:
    """Open the example file *name* into the form, which asks first: the references chosen are data."""
    page.upload("open-file", EXAMPLES / name)
    page.wait.until(lambda _: page.find("#ask").is_displayed())
    page.press(page.find("#ask-yes"))
    page.settled()


def test_a_case_from_nothing_to_a_beslut_each_file_opened_once(page, people):
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
    page.wait.until(lambda _: "nytt dokument, Ansökan (ansokan.yaml)" in page.text("in-case-what"))
    page.settled()
    _, chosen = page.part("agreement").find_elements(By.CSS_SELECTOR, "select")
    assert Select(chosen).first_selected_option.text == "samverkansavtal.yaml"  # chosen from the case
    assert not page.find("#draft-hint").is_displayed()  # not kept in this browser: the page says how it is kept
    assert "längst ned i fönstret" in page.text("in-case-hint")
    open_file_in_form(page, "ansokan.yaml")
    page.status_says("Inga problem")
    note = page.find("#save-note")
    page.press(note)
    note.send_keys("första versionen")
    page.write("dnr", "TCN 2027/032")
    page.press(page.find("#save-in-case"))  # straight after typing, no Tab first: the first click saves
    page.wait.until(lambda _: page.text("in-case-note") == "Sparat i ärendet som version 1.")
    assert "Ansökan (ansokan.yaml), version 1, sparad" in page.text("in-case-what") and "av Anna Berg" in page.text("in-case-what")
    assert_accessible(page, "a case's document in the form")
    page.press(page.find("#back-to-case"))
    page.wait.until(lambda _: "ansokan.yaml, version 1" in documents(page))
    assert "av Anna Berg: första versionen" in documents(page)

    # RTS kansli writes its own documents, and cannot change the region's agreement.
    sign_in(page, tokens["rut"])
    open_case(page)
    assert page.text("cases-who") == "Inloggad som Rut Kansli, RTS kansli."
    agreement = document_item(page, "samverkansavtal.yaml")
    labels = [button.get_attribute("aria-label") for button in agreement.find_elements(By.CSS_SELECTOR, "button")]
    assert "Läs i formuläret: Samverkansavtal" in labels and "Ändra i formuläret: Samverkansavtal" not in labels
    assert [option.text for option in Select(page.find("#case-new-kind")).options] == ["Återkoppling", "Granskningsprotokoll", "Beslut"]
    add_files(page, "aterkoppling.yaml", "granskningsprotokoll.yaml")
    open_in_form(page, "Läs i formuläret: Samverkansavtal")
    assert "Du kan läsa men inte ändra dokumentet." in page.text("in-case-what")
    assert not page.find("#save-in-case").is_displayed() and not page.find("#save-note").is_displayed()
    assert page.field("region").get_attribute("value") == "Nordvik"
    page.press(page.find("#back-to-case"))

    # The region answers the protocol; RTS kansli decides in the form, the protocol and the answer from the case.
    sign_in(page, tokens["anna"])
    open_case(page)
    add_files(page, "svar.yaml")
    sign_in(page, tokens["rut"])
    open_case(page)
    Select(page.find("#case-new-kind")).select_by_visible_text("Beslut")
    page.press(page.find("#case-new"))
    page.wait.until(lambda _: "nytt dokument, Beslut (beslut.yaml)" in page.text("in-case-what"))
    page.settled()
    for path, name in [("protocol", "granskningsprotokoll.yaml"), ("response", "svar.yaml")]:
        _, chosen = page.part(path).find_elements(By.CSS_SELECTOR, "select")
        assert Select(chosen).first_selected_option.text == name
    open_file_in_form(page, "beslut.yaml")
    page.status_says("Inga problem")
    page.press(page.find("#save-in-case"))
    page.wait.until(lambda _: page.text("in-case-note") == "Sparat i ärendet som version 1.")
    page.press(page.find("#back-to-case"))
    page.wait.until(lambda _: "beslut.yaml, version 1" in documents(page))
    road = page.text("case-road")
    # (Each step's state, done or planned, goes by today's date.)
    assert "12 Beslut 2028-04-20 beslut.yaml" in road and "10 Svar på protokoll 2028-02-22 svar.yaml" in road
    assert page.text("case-problems") == "Inga."
    page.press(page.find("#case-log summary"))
    page.wait.until(lambda _: "Rut Kansli sparade beslut.yaml version 1" in page.text("case-log-table"))
    assert "Anna Berg sparade ansokan.yaml version 1 första versionen" in page.text("case-log-table")
    assert_accessible(page, "the case")


def test_a_save_that_comes_second_sees_the_other_and_loses_nothing(page, people):
    url, tokens = people
    sign_in(page, tokens["anna"])
    open_case(page)
    open_in_form(page, "Ändra i formuläret: Intresseanmälan")
    # Meanwhile someone else saves the same document.
    with open_store(url) as store:
        anna = User("Anna Berg", "processledare", "Nordvik")
        version, text = store.read(1, "intresseanmalan.yaml", by=anna)
        store.save(1, "intresseanmalan.yaml", text.replace("kind: intresseanmalan", "kind: intresseanmalan\n# annan"), base=version.number,
                   by=User("Bo Ek", "admin"), note="Bos ändring")
    page.write("dnr", "NV 2027/999")
    page.press(page.find("#save-in-case"))  # straight after typing
    page.wait.until(lambda _: page.find("#conflict").is_displayed())
    said = page.text("conflict-text")
    assert said.startswith("Bo Ek sparade version 2 av dokumentet") and "(Bos ändring)" in said
    assert "din text står kvar i formuläret" in said
    assert "Diarienummer" in page.text("conflict-changes") and "NV 2027/999" in page.text("conflict-changes")
    assert page.field("dnr").get_attribute("value") == "NV 2027/999"  # nothing lost
    page.press(page.find("#conflict-mine"))
    page.wait.until(lambda _: page.text("in-case-note") == "Sparat i ärendet som version 3.")
    page.press(page.find("#back-to-case"))
    page.wait.until(lambda _: "intresseanmalan.yaml, version 3" in documents(page))
    with open_store(url) as store:
        history = store.history(1, "intresseanmalan.yaml", by=User("Ada Admin", "admin"))
    assert [(v.number, v.author) for v in history] == [(1, "Anna Berg"), (2, "Bo Ek"), (3, "Anna Berg")]


def test_versions_are_compared_and_downloaded_with_the_keyboard_alone(page, people):
    _, tokens = people
    sign_in(page, tokens["anna"])
    open_case(page)  # the focus is on the case's heading
    items = page.driver.find_elements(By.CSS_SELECTOR, "#case-documents > li")
    place = 1 + next(number for number, item in enumerate(items) if "intresseanmalan.yaml" in item.text)
    here = f"#case-documents > li:nth-child({place})"
    page.tab_to(f"{here} summary", limit=60)
    key(page, Keys.ENTER)
    box = page.find(f"{here} details")
    page.wait.until(lambda _: len(box.find_elements(By.CSS_SELECTOR, ".version-list li")) == 3)
    assert "version 2, sparad" in box.text and "av Bo Ek: Bos ändring" in box.text
    page.tab_to(f"{here} details > .row > button")
    assert page.focused().text == "Visa skillnaderna"
    key(page, Keys.ENTER)  # version 2 with version 3, as chosen
    page.wait.until(lambda _: "Det som skiljer version 2 från version 3" in box.text)
    assert "Diarienummer TCN 2027/012 NV 2027/999" in flat(box.text)
    page.tab_to(f'{here} button[aria-label="Version 1 som Word"]', backwards=True)
    key(page, Keys.ENTER)
    saved = page.downloaded(".docx").read_bytes()
    words = docx_header(saved) + docx_body(saved)
    assert "TCN 2027/012" in words and "NV 2027/999" not in words  # version 1, as it was
    page.wait.until(lambda _: "är nedladdad" in page.text("cases-note"))


def test_at_400_px_the_save_and_the_problems_stay_in_the_window(page, people):
    _, tokens = people
    page.driver.set_window_size(400, 800)
    try:
        sign_in(page, tokens["anna"])
        open_case(page)
        width = page.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= page.driver.execute_script("return document.documentElement.clientWidth"), "the case is wider than the window"
        open_in_form(page, "Ändra i formuläret: Ansökan")
        # Far down the form, a mistake: the problem beside the field, the count and the save button in the window.
        field = page.write("companies/6/org_number", "556999-1078")
        page.settled()
        page.status_says("1 problem att rätta.")
        assert "fel kontrollsiffra" in page.part("companies/6/org_number").text
        assert in_window(page, "status", "save-in-case", ":focus") == {"status": True, "save-in-case": True, ":focus": True}
        assert page.driver.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert_accessible(page, "a case's document at 400 px")
        # Put right, and saved with a click straight after typing, without going back up.
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("556999-1077")
        page.press(page.find("#save-in-case"))
        page.wait.until(lambda _: page.text("in-case-note") == "Sparat i ärendet som version 2.")
        assert in_window(page, "in-case-note", "save-in-case") == {"in-case-note": True, "save-in-case": True}
        page.status_says("Inga problem")
    finally:
        page.driver.set_window_size(1400, 1000)


def test_a_restart_of_the_service_keeps_everything(page, people, service):
    _, tokens = people
    page.base = service.restart().base
    page.open(fresh=True)
    sign_in(page, tokens["anna"])
    assert "Teknikcollege Nordvik Dnr RTS 2027/018 · steg" in page.text("cases-list")
    open_case(page)
    assert "12 Beslut 2028-04-20 beslut.yaml" in page.text("case-road")
    listed = documents(page)
    for said in ["ansokan.yaml, version 2", "intresseanmalan.yaml, version 3", "beslut.yaml, version 1", "svar.yaml, version 1"]:
        assert said in listed
    assert page.text("case-problems") == "Inga."
    page.press(page.find("#case-log summary"))
    page.wait.until(lambda _: "Bo Ek sparade intresseanmalan.yaml version 2 Bos ändring" in page.text("case-log-table"))
