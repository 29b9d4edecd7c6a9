"""The service's page in a real browser: a processledare fills in the form and gets the document.

One headless Chromium for the module, driven as a person would: typing into fields, adding
items to lists, opening and attaching files, reading what the page says in Swedish.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")
pytest.importorskip("selenium", reason="selenium is not installed")

from lxml import etree
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from tcdocs.batch import validate_files

from .conftest import EXAMPLES
from .reading import flat, pdf_pages
from .test_server import Service, start
from .word_edits import change_wording, q, retype

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Chromium and its driver are not installed (apt-get install chromium chromium-driver)",
)


class Page:
    """The page in the browser, with the few moves a person makes on it."""

    def __init__(self, driver: webdriver.Chrome, base: str, downloads: Path) -> None:
        self.driver, self.base, self.downloads = driver, base, downloads
        self.wait = WebDriverWait(driver, 60, ignored_exceptions=(StaleElementReferenceException,))

    def open(self, *, fresh: bool = True) -> None:
        """Load the page (with nothing kept from earlier, when *fresh*) and wait until it has checked its data."""
        self.driver.get(f"{self.base}/")
        if fresh:
            self.driver.execute_script("localStorage.clear(); sessionStorage.clear();")
            self.driver.get(f"{self.base}/")
        self.wait.until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
        self.settled()

    def settled(self) -> None:
        """Wait until the page has the service's answer about the data as it is now."""
        self.wait.until(lambda d: d.execute_script("return document.body.dataset.busy === 'false'"))

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self, element_id: str) -> str:
        return flat(self.driver.find_element(By.ID, element_id).text)

    def part(self, path: str) -> WebElement:
        """The form's part for a field, by its path in the data (parties/2/org_number)."""
        return self.find(f'[data-path="#/{path}"]')

    def field(self, path: str) -> WebElement:
        return self.part(path).find_element(By.CSS_SELECTOR, "input:not([type=hidden]), select, textarea")

    def into_view(self, element: WebElement) -> WebElement:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        return element

    def type(self, path: str, text: str) -> None:
        """Type *text* into a field, then leave it, as a person moves on to the next field."""
        field = self.into_view(self.field(path))
        field.click()
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(text, Keys.TAB)

    def type_date(self, path: str, iso: str) -> None:
        """Type a date into a date field as it is written in Swedish (ÅÅÅÅ-MM-DD), then leave it."""
        self.type(path, iso)
        assert self.field(path).get_attribute("value") == iso

    def choose(self, path: str, visible_text: str) -> None:
        Select(self.into_view(self.field(path))).select_by_visible_text(visible_text)

    def add(self, path: str) -> None:
        """Press a list's "Lägg till"."""
        before = len(self.part(path).find_elements(By.CSS_SELECTOR, ":scope .jedi-array-item"))
        self.into_view(self.part(path).find_element(By.CSS_SELECTOR, ".jedi-array-add")).click()
        self.wait.until(lambda _: len(self.part(path).find_elements(By.CSS_SELECTOR, ":scope .jedi-array-item")) > before)

    def press(self, element: WebElement) -> None:
        """A person's click: the pointer moves onto the element, the button goes down, and comes up a moment later."""
        self.into_view(element)
        ActionChains(self.driver).move_to_element(element).click_and_hold().pause(0.15).release().perform()

    def write(self, path: str, text: str) -> WebElement:
        """Type *text* into a field and stay in it, the focus and the text cursor still there."""
        field = self.into_view(self.field(path))
        field.click()
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(text)
        return field

    def items(self, path: str) -> list[WebElement]:
        """A list's items in the form."""
        return self.part(path).find_elements(By.CSS_SELECTOR, ":scope .jedi-array-item")

    def focused(self) -> WebElement:
        return self.driver.switch_to.active_element

    def tab_to(self, css: str, *, backwards: bool = False, limit: int = 20) -> WebElement:
        """Press Tab (or Shift+Tab) until the element *css* has the focus, as a keyboard user moves."""
        for _ in range(limit):
            if self.driver.execute_script("return document.activeElement.matches(arguments[0])", css):
                return self.focused()
            if backwards:
                ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
            else:
                ActionChains(self.driver).send_keys(Keys.TAB).perform()
        where = (self.focused().get_attribute("outerHTML") or "")[:200]
        raise AssertionError(f"{limit} presses of Tab did not reach {css}; the focus is on {where}")

    def upload(self, input_id: str, *files: Path) -> None:
        self.driver.find_element(By.ID, input_id).send_keys("\n".join(str(file) for file in files))

    def downloaded(self, suffix: str) -> Path:
        """The file the browser downloaded, once it is complete."""
        def done(_: Any) -> Path | None:
            found = [path for path in self.downloads.glob(f"*{suffix}") if path.stat().st_size > 0]
            return found[0] if found and not list(self.downloads.glob("*.crdownload")) else None

        return self.wait.until(done)

    def status_says(self, words: str) -> None:
        try:
            self.wait.until(lambda _: words in self.text("status"))
        except TimeoutException:
            raise AssertionError(f"the status says {self.text('status')!r}, not {words!r}; {self.text('findings')!r}") from None

    def preview_heading(self) -> str:
        self.wait.until(lambda d: d.find_element(By.ID, "view").is_displayed())
        self.driver.switch_to.frame(self.driver.find_element(By.ID, "view"))
        try:
            return self.driver.find_element(By.TAG_NAME, "h1").text
        finally:
            self.driver.switch_to.default_content()

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's WCAG 2.1 AA violations on the page as it is now."""
        if not self.driver.execute_script("return Boolean(window.axe)"):
            self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
              .then((r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map((n) => ({target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary}))}))))
              .catch((e) => done([{id: 'axe-failed', help: String(e)}]));
            """,
            WCAG_21_AA,
        )
        return list(result)


def chrome(downloads: Path, scratch: Path) -> webdriver.Chrome:
    """Chromium, downloading into *downloads*; its profile and the files it makes meanwhile (shared memory
    files, with --disable-dev-shm-usage, some of which it leaves) in *scratch*."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                     "--lang=sv-SE", "--no-first-run", "--disable-background-networking", "--disable-component-update"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "intl.accept_languages": "sv-SE,sv",
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
    })
    options.add_argument(f"--user-data-dir={scratch / 'profil'}")
    driver = webdriver.Chrome(service=DriverService(CHROMEDRIVER, env={**os.environ, "TMPDIR": str(scratch)}), options=options)
    driver.set_script_timeout(60)
    return driver


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    yield from start("--jobs", "2", "--timeout", "60")


@pytest.fixture(scope="module")
def browser(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    downloads = tmp_path_factory.mktemp("hamtade")
    driver = chrome(downloads, tmp_path_factory.mktemp("chromium"))
    try:
        yield Page(driver, service.base, downloads)
    finally:
        driver.quit()


@pytest.fixture
def page(browser: Page) -> Page:
    for old in browser.downloads.iterdir():
        old.unlink()
    browser.driver.set_window_size(1400, 1000)
    browser.open()
    return browser


def assert_accessible(page: Page, state: str) -> None:
    violations = page.axe()
    assert violations == [], f"axe-core, {state}:\n" + json.dumps(violations, ensure_ascii=False, indent=1)


# --- the tests -------------------------------------------------------------------------------------------

PARTIES = [
    ("Norrå kommun", "212999-0012", "Box 1, 880 10 Norrå", "Anna Berg"),
    ("Västerå kommun", "212999-0020", "Box 2, 880 20 Västerå", "Bo Ek"),
    ("Österå kommun", "212999-0038", "Box 3, 880 30 Österå", "Cecilia Lind"),
]


def fill_agreement(page: Page) -> None:
    """A samverkansavtal for Teknikcollege Norrå, typed into the empty form."""
    page.type("dnr", "KS 2026/777")
    page.type_date("date", "2026-11-22")
    page.type("region", "Norrå")
    page.type_date("period/start", "2027-01-01")
    page.type("period/years", "3")
    for index, (name, number, address, signatory) in enumerate(PARTIES):
        page.add("parties")
        page.type(f"parties/{index}/name", name)
        page.type(f"parties/{index}/org_number", number)
        page.type(f"parties/{index}/address", address)
        page.type(f"parties/{index}/represented_by", "kommunstyrelsen")
        page.type(f"parties/{index}/signatory/name", signatory)
        page.type(f"parties/{index}/signatory/capacity", "Kommunstyrelsens ordförande")
    host = page.into_view(page.field("parties/0/host"))
    host.click()
    page.type("process_leader/name", "Dana Holm")
    page.choose("financing/model", "Samma belopp för varje part")
    page.type("financing/amount", "40 000 kr")


def test_a_samverkansavtal_filled_in_from_the_empty_form_becomes_a_pdf(page):
    assert page.driver.find_element(By.ID, "kind").get_attribute("value") == "samverkansavtal"
    assert_accessible(page, "the empty form")
    fill_agreement(page)
    page.settled()
    page.status_says("Inga problem")
    assert page.preview_heading() == "Samverkansavtal för Teknikcollege Norrå"
    view = page.find("#view")  # reached and scrolled by keyboard: a named frame in the tab order
    assert view.get_attribute("title") == "Förhandsgranskning av dokumentet" and view.get_attribute("tabindex") == "0"
    assert_accessible(page, "the filled form")
    page.find("#pdf").click()
    pdf = page.downloaded(".pdf")
    text = flat(" ".join(pdf_pages(pdf.read_bytes()))).replace("\u00a0", " ")
    for words in ("Teknikcollege Norrå", "Norrå kommun", "Västerå kommun", "Österå kommun", "1 januari 2027", "40 000 kr"):
        assert words in text
    page.status_says(f"{pdf.name} är nedladdad")


@pytest.mark.parametrize(
    ("path", "text", "leave"),
    [("region", "Norrå", False), ("date", "2026-11-22", False), ("date", "2026-11-22", True)],
    ids=["typing", "a date", "a date and Tab"],
)
def test_lagg_till_pressed_straight_after_typing_adds_an_item(page, path, text, leave):
    field = page.write(path, text)
    if leave:
        field.send_keys(Keys.TAB)
    page.press(page.part("parties").find_element(By.CSS_SELECTOR, ".jedi-array-add"))
    assert len(page.items("parties")) == 1
    assert page.field(path).get_attribute("value") == text


def test_ta_bort_pressed_straight_after_typing_removes_the_item(page):
    page.add("parties")
    page.add("parties")
    page.write("parties/1/name", "Västerå kommun")
    [first, _] = page.items("parties")
    page.press(first.find_element(By.CSS_SELECTOR, ".jedi-array-delete"))
    assert len(page.items("parties")) == 1
    assert page.field("parties/0/name").get_attribute("value") == "Västerå kommun"


def test_a_checkbox_pressed_straight_after_typing_is_ticked(page):
    page.add("parties")
    page.write("parties/0/name", "Norrå kommun")
    page.press(page.field("parties/0/host"))
    assert page.field("parties/0/host").is_selected()
    page.write("parties/0/address", "Box 1, 880 10 Norrå")
    page.press(page.field("parties/0/host"))
    assert not page.field("parties/0/host").is_selected()
    page.settled()
    assert "host: true" not in page.driver.find_element(By.ID, "yaml").get_attribute("value")


def test_a_click_held_while_the_check_answers_still_lands(page):
    page.add("parties")
    page.type("parties/0/fixed_share", "100 kr")
    page.settled()
    page.write("parties/0/fixed_share", "tusen").send_keys(Keys.TAB)
    # The answer puts a message under the amount, above the button below it: not while the button is held down.
    add = page.into_view(page.part("parties/0/school_units").find_element(By.CSS_SELECTOR, ".jedi-array-add"))
    ActionChains(page.driver).move_to_element(add).click_and_hold().perform()
    page.settled()
    ActionChains(page.driver).move_by_offset(1, 1).release().perform()  # a hand's pointer is never quite still
    assert len(page.items("parties/0/school_units")) == 1
    page.wait.until(lambda _: "'tusen' är inte ett belopp" in page.part("parties/0/fixed_share").text)


def test_adding_and_removing_by_keyboard_keeps_the_focus_in_the_list(page):
    add = '[data-path="#/parties"] > fieldset > legend .jedi-array-add'
    page.write("period/years", "3")
    page.tab_to(add).send_keys(Keys.ENTER)
    assert page.focused() == page.field("parties/0/name")  # the new item's first field
    page.focused().send_keys("Norrå kommun")
    page.tab_to(add, backwards=True).send_keys(Keys.ENTER)
    assert page.focused() == page.field("parties/1/name")
    page.focused().send_keys("Västerå kommun")
    page.tab_to('[data-path="#/parties"] .jedi-array-item[jedi-array-item-index="0"] .jedi-array-delete', backwards=True)
    page.focused().send_keys(Keys.ENTER)
    # The item that took its place has the focus.
    assert [item.find_element(By.CSS_SELECTOR, "input").get_attribute("value") for item in page.items("parties")] == ["Västerå kommun"]
    assert page.focused() == page.field("parties/0/name")
    page.tab_to('[data-path="#/parties"] .jedi-array-delete', backwards=True).send_keys(Keys.ENTER)
    assert page.items("parties") == []
    assert page.focused() == page.find(add)  # nothing left: the list's add button


def test_list_items_are_named_in_the_singular_and_come_only_when_asked_for(page):
    page.add("parties")
    assert page.part("parties/0").find_element(By.CSS_SELECTOR, "legend").text == "Part 1"
    assert page.items("parties")[0].find_element(By.CSS_SELECTOR, ".jedi-array-delete").get_attribute("aria-label") == "Ta bort: Part 1"
    page.add("parties/0/school_units")
    assert page.part("parties/0/school_units/0").find_element(By.CSS_SELECTOR, "legend").text == "Skolenhet 1"
    assert page.items("parties/0/school_units/0/programmes") == []  # no programme the person did not ask for
    page.add("parties/0/school_units/0/programmes")
    assert page.part("parties/0/school_units/0/programmes/0").find_element(By.CSS_SELECTOR, "legend").text == "Utbildning 1"


def test_a_date_is_one_field_written_the_swedish_way_whatever_the_browsers_language(page):
    date = page.field("date")
    assert date.get_attribute("type") == "text" and date.get_attribute("inputmode") == "numeric"
    assert "ÅÅÅÅ-MM-DD" in page.part("date").text
    assert "Skrivs ÅÅÅÅ-MM-DD." in page.part("period/start").text  # said where the field's own help does not say it
    page.write("dnr", "KS 2026/12")
    assert page.tab_to("#tc-root-date") == date  # one Tab stop, not one for each part of the date
    date.send_keys("20261122")
    ActionChains(page.driver).send_keys(Keys.TAB).perform()
    assert page.focused() == page.field("version")  # the next field, one Tab on
    assert date.get_attribute("value") == "2026-11-22"
    page.settled()
    assert "date: 2026-11-22" in page.driver.find_element(By.ID, "yaml").get_attribute("value")


def test_a_certification_period_that_starts_before_the_agreement_is_dated_is_warned_of(page):
    page.press(page.find("#starter"))
    page.settled()
    page.status_says("Inga problem")
    page.type("period/start", "2026-01-01")
    page.settled()
    page.status_says("Inga problem, men 1 varning.")
    assert "certifieringsperioden börjar 2026-01-01, före avtalets datum" in page.part("period/start").text
    assert "Certifieringsperiod › Från och med: certifieringsperioden börjar 2026-01-01" in page.text("warnings")


def test_a_wrong_organisation_number_is_explained_beside_its_field(page):
    page.add("parties")
    page.type("parties/0/name", "Norrå kommun")
    page.type("parties/0/org_number", "212999-0078")
    page.settled()
    part = page.part("parties/0/org_number")
    field = page.field("parties/0/org_number")
    page.wait.until(lambda _: "fel kontrollsiffra" in part.text)
    assert "212999-0078 har fel kontrollsiffra; kontrollera numret mot registret" in flat(part.text)
    assert field.get_attribute("aria-invalid") == "true"
    described = [page.driver.find_element(By.ID, name).text for name in field.get_attribute("aria-describedby").split()]
    assert any("fel kontrollsiffra" in text for text in described)
    # A field nobody has touched yet keeps quiet, beside it and in the list, until the person asks.
    assert "måste fyllas i" not in page.part("region").text
    assert "Region" not in page.text("problems")
    page.status_says("1 problem att rätta.")
    assert_accessible(page, "a problem beside its field")
    page.press(page.find("#show-all"))
    assert "Region: fältet måste fyllas i" in page.text("problems")
    assert "måste fyllas i" in page.part("region").text
    # The list names a field as the form does, and its entry moves the focus to the field.
    [item] = [item for item in page.driver.find_elements(By.CSS_SELECTOR, "#problems li") if "Organisationsnummer" in item.text]
    assert item.text.startswith("Part 1 › Organisationsnummer: 212999-0078 har fel kontrollsiffra")
    assert "rad" not in page.text("problems")  # no way into the YAML text where the form has the field
    page.press(item.find_element(By.CSS_SELECTOR, ".to-field"))
    assert page.focused() == page.field("parties/0/org_number")


def test_the_empty_form_says_how_much_is_missing_and_lists_it_when_asked(page):
    page.status_says("Inte klart än:")
    assert re.fullmatch(r"Inte klart än: \d+ uppgifter saknas eller behöver rättas\.", page.text("status"))
    assert not page.find("#problems").is_displayed()
    assert page.driver.find_elements(By.CSS_SELECTOR, "#form [aria-invalid=true]") == []
    show_all = page.find("#show-all")
    assert show_all.text == "Visa vad som saknas"
    page.press(show_all)
    assert "Diarienummer: fältet måste fyllas i" in page.text("problems")
    assert "rad 1" not in page.text("problems")
    assert page.focused() == page.find("#problems li button")  # the first of them, to be read or followed
    page.status_says("problem att rätta")
    assert not page.find("#show-all").is_displayed()


def test_what_must_be_filled_in_is_marked(page):
    assert page.text("required-hint") == "Fält markerade med * måste fyllas i."

    def marked(path: str) -> bool:
        label = page.part(path).find_element(By.CSS_SELECTOR, ":scope > label > span, :scope > fieldset > legend .jedi-legend")
        mark = page.driver.execute_script("return getComputedStyle(arguments[0], '::after').content", label)
        return "*" in mark

    assert marked("region") and page.field("region").get_attribute("aria-required") == "true"
    assert not marked("version") and page.field("version").get_attribute("aria-required") is None
    assert marked("parties")  # at least three
    assert not marked("local_colleges")
    page.add("parties")
    assert marked("parties/0/name") and page.field("parties/0/name").get_attribute("aria-required") == "true"
    assert not marked("parties/0/signatory/place")
    assert not marked("steering_group/chair/name")  # the chair may be left out altogether
    assert_accessible(page, "the marks of what must be filled in")


def test_a_problem_in_the_yaml_text_leads_to_its_line(page):
    page.press(page.find("#yaml-view summary"))
    yaml = page.driver.find_element(By.ID, "yaml")
    page.press(yaml)
    yaml.send_keys(Keys.CONTROL, "a")
    yaml.send_keys("kind: samverkansavtal\ndnr: KS 2026/55\nregion: [Norrå\n")
    page.settled()
    [item] = page.driver.find_elements(By.CSS_SELECTOR, "#problems li")
    assert "(YAML-vyn, rad" in item.text
    number = int(re.search(r"rad (\d+)\)", item.text)[1])
    page.press(item.find_element(By.CSS_SELECTOR, "button"))
    assert page.focused() == yaml
    cursor_line = page.driver.execute_script("const a = arguments[0]; return a.value.slice(0, a.selectionStart).split('\\n').length", yaml)
    assert cursor_line == number


def test_a_hangavtal_with_its_samverkansavtal_attached_renders_and_survives_a_reload(page, tmp_path):
    page.upload("open-file", EXAMPLES / "hangavtal.yaml")
    page.wait.until(lambda d: d.find_element(By.ID, "kind").get_attribute("value") == "hangavtal")
    page.settled()
    assert "ingen fil med namnet 'samverkansavtal.yaml' skickades med dokumentet" in page.text("problems")
    # A problem in the attached document names that document.
    broken = tmp_path / "samverkansavtal.yaml"
    agreement = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8")
    broken.write_text(agreement.replace("212999-0020", "212999-0021"), encoding="utf-8")
    page.upload("attach-files", broken)
    page.settled()
    assert "samverkansavtal.yaml:" in page.text("problems") and "212999-0021 har fel kontrollsiffra" in page.text("problems")
    assert "212999-0021 har fel kontrollsiffra" in page.part("agreement").text
    page.upload("attach-files", EXAMPLES / "samverkansavtal.yaml")  # the same name: it replaces the broken one
    page.settled()
    page.status_says("Inga problem")
    assert page.text("attached").count("samverkansavtal.yaml") == 1
    assert page.preview_heading() == "Hängavtal till samverkansavtal för Teknikcollege Nordvik"
    how, chosen = page.part("agreement").find_elements(By.CSS_SELECTOR, "select")
    assert Select(how).first_selected_option.text == "En bifogad fil"
    assert Select(chosen).first_selected_option.text == "samverkansavtal.yaml"
    # Everything is still there after a reload: the data, the kind and the attached document.
    page.open(fresh=False)
    assert page.driver.find_element(By.ID, "kind").get_attribute("value") == "hangavtal"
    assert "samverkansavtal.yaml" in page.text("attached")
    assert page.field("party/name").get_attribute("value") == "Lindås kommun"
    page.status_says("Inga problem")


def referred_to(text: str) -> list[Path]:
    """The examples a document refers to by file name (agreement: samverkansavtal.yaml), and those they refer to."""
    found: list[Path] = []
    for name in re.findall(r"^\w+: (\w+\.yaml)", text, re.MULTILINE):
        path = EXAMPLES / name
        found += [path, *referred_to(path.read_text(encoding="utf-8"))]
    return sorted(set(found))


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_example_opened_with_the_documents_it_names_is_judged_as_on_the_command_line(page, example):
    [outcome] = validate_files([example])  # what tcdocs validate says
    text = example.read_text(encoding="utf-8")
    page.upload("open-file", example)
    page.wait.until(lambda d: d.find_element(By.ID, "kind").get_attribute("value") == re.search(r"^kind: (\w+)", text, re.M)[1])
    referred = referred_to(text)
    if referred:
        page.upload("attach-files", *referred)
        for path in referred:
            assert path.name in page.text("attached")
    page.settled()
    if outcome.error is not None:
        page.status_says("problem att rätta")
        return
    page.status_says("Inga problem")
    warnings = len(outcome.warnings)
    assert len(page.driver.find_elements(By.CSS_SELECTOR, "#warnings li")) == warnings
    if warnings:
        page.status_says(f"{warnings} varning")
    for field in re.findall(r"^(\w+): \w+\.yaml", text, re.M):  # each named document is chosen among the attached files
        how, chosen = page.part(field).find_elements(By.CSS_SELECTOR, "select")
        assert Select(how).first_selected_option.text == "En bifogad fil"
        assert Select(chosen).first_selected_option.text == re.search(rf"^{field}: (\S+)", text, re.M)[1]


def test_a_late_granskningsprotokoll_shows_its_warning(page, tmp_path):
    # The example, sent two months after its visit; with the documents it refers to attached.
    text = (EXAMPLES / "granskningsprotokoll.yaml").read_text(encoding="utf-8")
    visit = re.search(r"^visit:\n  date: (\d{4}-\d{2}-\d{2})", text, re.MULTILINE)
    assert visit is not None
    sent = datetime.date.fromisoformat(visit[1]) + datetime.timedelta(days=61)
    late = tmp_path / "granskningsprotokoll.yaml"
    late.write_text(re.sub(r"^(date: .*)$", rf"\1\nsent: {sent}", text, count=1, flags=re.MULTILINE), encoding="utf-8")
    page.upload("open-file", late)
    page.wait.until(lambda d: d.find_element(By.ID, "kind").get_attribute("value") == "granskningsprotokoll")
    referred = referred_to(text)
    if referred:
        page.upload("attach-files", *referred)
    page.settled()
    page.status_says("Inga problem, men 1 varning.")
    assert "mer än en månad efter granskningsbesöket" in page.text("warnings")
    assert "mer än en månad efter granskningsbesöket" in page.part("sent").text


SAVED = "Öppna filen som sparades med ”Spara uppgifter”."


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("avtal.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00",
         "avtal.pdf är ett färdigt dokument. Öppna uppgifterna som det gjordes av: filen som sparades med ”Spara uppgifter”."),
        ("logga.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
         f"logga.png är ingen fil med uppgifter (det kan vara ett dokument eller en bild). {SAVED}"),
        ("anteckningar.txt", "Möte: [tisdag\n".encode(),
         f"anteckningar.txt går inte att läsa: texten är inte skriven som uppgifter (rad 2). {SAVED}"),
        ("lista.yaml", "- Norrå\n- Västerå\n".encode(), f"lista.yaml säger inte vilket dokument uppgifterna gäller. {SAVED}"),
    ],
    ids=["a PDF", "a picture", "text", "data of no kind"],
)
def test_a_wrong_file_is_refused_in_plain_swedish(page, tmp_path, name, content, said):
    page.type("dnr", "KS 2026/12")
    wrong = tmp_path / name
    wrong.write_bytes(content)
    page.settled()
    page.upload("open-file", wrong)
    page.wait.until(lambda _: page.text("open-note") == said)
    assert page.field("dnr").get_attribute("value") == "KS 2026/12"  # nothing was replaced
    page.upload("open-file", EXAMPLES / "samverkansavtal.yaml")  # the right file: the note goes
    page.wait.until(lambda _: page.find("#ask").is_displayed())
    page.find("#ask-yes").click()
    page.wait.until(lambda _: not page.find("#open-note").is_displayed())


def test_a_wrong_file_is_not_attached(page, tmp_path):
    page.upload("open-file", EXAMPLES / "hangavtal.yaml")
    page.wait.until(lambda d: d.find_element(By.ID, "kind").get_attribute("value") == "hangavtal")
    page.settled()
    wrong = tmp_path / "samverkansavtal.pdf"
    wrong.write_bytes(b"%PDF-1.7\n\x00\x00")
    page.upload("attach-files", wrong)
    page.wait.until(lambda _: "samverkansavtal.pdf är ett färdigt dokument." in page.text("attach-note"))
    assert "samverkansavtal.pdf" not in page.text("attached")
    page.upload("attach-files", EXAMPLES / "samverkansavtal.yaml")
    page.status_says("Inga problem")
    assert not page.find("#attach-note").is_displayed()


def test_a_reload_keeps_the_draft(page):
    page.type("dnr", "KS 2026/901")
    page.type("region", "Mellanå")
    page.wait.until(lambda d: "region: Mellanå" in (d.execute_script("return localStorage.getItem('tcdocs.draft')") or ""))
    page.open(fresh=False)
    assert page.field("dnr").get_attribute("value") == "KS 2026/901"
    assert page.field("region").get_attribute("value") == "Mellanå"
    assert "region: Mellanå" in page.driver.find_element(By.ID, "yaml").get_attribute("value")


@pytest.mark.parametrize(("width", "zoom"), [(400, 1), (1280, 2)], ids=["400px", "200%"])
def test_a_narrow_window_or_a_large_zoom_gives_one_column_with_the_outcome_in_view(page, width, zoom):
    page.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width // zoom, "height": 800 // zoom, "deviceScaleFactor": zoom, "mobile": False})
    try:
        page.add("parties")
        page.type("parties/0/org_number", "212999-0078")
        page.settled()
        sizes = page.driver.execute_script(
            "const e = document.documentElement; const box = (id) => document.getElementById(id).getBoundingClientRect();"
            "return {scroll: e.scrollWidth, client: e.clientWidth, data: box('data').bottom, check: box('check').top}"
        )
        assert sizes["scroll"] <= sizes["client"]
        assert sizes["check"] > sizes["data"]  # one column: the check comes after the form
        # Far down the form, the check's outcome and the downloads are in the window, and the field being
        # filled in is not under them.
        page.write("process_leader/name", "Dana Holm")
        for _ in range(3):
            ActionChains(page.driver).send_keys(Keys.TAB).perform()
        page.settled()
        page.status_says("1 problem att rätta.")
        seen = page.driver.execute_script(
            "const box = (e) => e.getBoundingClientRect(); const bar = box(document.getElementById('outcome'));"
            "const shown = (id) => { const b = box(document.getElementById(id));"
            "                        return b.top >= 0 && b.bottom <= innerHeight && b.height > 0; };"
            "return {status: shown('status'), pdf: shown('pdf'), docx: shown('docx'),"
            "        focus: box(document.activeElement).bottom <= bar.top && box(document.activeElement).top >= 0}"
        )
        assert seen == {"status": True, "pdf": True, "docx": True, "focus": True}
        assert_accessible(page, f"{width} px at {zoom * 100} %")
    finally:
        page.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_yaml_view_and_the_form_follow_each_other(page):
    page.type("region", "Norrå")
    page.press(page.find("#yaml-view summary"))
    yaml = page.driver.find_element(By.ID, "yaml")
    page.wait.until(lambda _: "region: Norrå" in yaml.get_attribute("value"))
    assert page.text("yaml-lines").startswith("1 2 3")
    page.press(yaml)
    yaml.send_keys(Keys.CONTROL, "a")
    yaml.send_keys("kind: samverkansavtal\ndnr: KS 2026/55\nregion: Västerå\n")
    page.wait.until(lambda _: page.field("region").get_attribute("value") == "Västerå")
    assert page.field("dnr").get_attribute("value") == "KS 2026/55"
    page.settled()
    # What is sent is what the view shows: the problems' lines are its lines.
    assert "Datum: fältet måste fyllas i" in page.text("problems")


def test_replacing_filled_in_data_asks_first(page):
    page.type("dnr", "KS 2026/12")
    page.settled()
    Select(page.find("#kind")).select_by_value("beslut")
    dialog = page.driver.find_element(By.ID, "ask")
    page.wait.until(lambda _: dialog.is_displayed())
    assert "Byta dokumentslag?" in dialog.text
    page.find("#ask-no").click()
    assert page.find("#kind").get_attribute("value") == "samverkansavtal"
    assert page.field("dnr").get_attribute("value") == "KS 2026/12"
    Select(page.find("#kind")).select_by_value("beslut")
    page.wait.until(lambda _: dialog.is_displayed())
    page.find("#ask-yes").click()
    page.wait.until(lambda _: page.find('[data-path="#"] legend').text == "Beslut")
    assert page.field("dnr").get_attribute("value") == ""


def test_saved_data_is_the_yaml_named_after_the_kind_and_dnr(page):
    page.type("dnr", "KS 2026/901")
    page.settled()
    page.find("#save").click()
    saved = page.downloaded(".yaml")
    assert saved.name == "samverkansavtal-KS-2026-901.yaml"
    assert saved.read_text(encoding="utf-8") == "kind: samverkansavtal\ndnr: KS 2026/901\n"


def test_a_newer_check_cancels_the_one_on_its_way_and_a_late_answer_is_never_shown(page):
    page.press(page.find("#starter"))
    page.settled()
    page.status_says("Inga problem")
    # The first check from here on is answered by the service, but its answer is held back until released.
    page.driver.execute_script("""
        const original = window.fetch;
        window.checks = [];
        window.fetch = async (url, options = {}) => {
          if (!String(url).includes('/v1/check/')) return original(url, options);
          const {signal, ...rest} = options;
          const check = {signal, state: 'asked'};
          window.checks.push(check);
          const response = await original(url, rest);
          if (window.checks.length === 1) {
            check.state = 'held';
            await new Promise((release) => { window.release = release; });
          }
          const body = await response.text();
          return {ok: response.ok, status: response.status, headers: response.headers,
                  json: async () => { setTimeout(() => { check.state = 'answered'; }); return JSON.parse(body); }};
        };""")
    right = page.field("parties/0/org_number").get_attribute("value")
    page.type("parties/0/org_number", "212999-0078")
    page.wait.until(lambda d: d.execute_script("return window.checks[0].state === 'held'"))
    assert page.driver.execute_script("return window.checks[0].signal.aborted") is False
    page.type("parties/0/org_number", right)
    page.wait.until(lambda d: d.execute_script("return window.checks.length > 1"))
    assert page.driver.execute_script("return window.checks[0].signal.aborted") is True  # cancelled by the newer one
    page.settled()
    page.status_says("Inga problem")
    page.driver.execute_script("window.release()")  # the first answer arrives, last
    page.wait.until(lambda d: d.execute_script("return window.checks[0].state === 'answered'"))
    assert "Inga problem" in page.text("status")
    assert not page.find("#problems").is_displayed()
    assert page.field("parties/0/org_number").get_attribute("aria-invalid") is None


def test_a_lost_connection_is_said_and_can_be_tried_again(page):
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    page.driver.execute_cdp_cmd("Network.enable", {})
    page.driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    try:
        page.type("dnr", "KS 2026/3")
        page.status_says("Ingen kontakt med tjänsten")
        assert page.find("#retry").is_displayed()
    finally:
        page.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {**offline, "offline": False})
    page.find("#retry").click()
    page.settled()
    page.status_says("uppgifter saknas")  # the service's answer: the rest of the form is still to fill in
    assert not page.find("#retry").is_displayed()


def test_the_page_speaks_english_when_the_browser_asks(page):
    page.driver.execute_cdp_cmd("Network.enable", {})
    page.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": "en-GB,en;q=0.9"}})
    try:
        page.open()
        assert page.find("html").get_attribute("lang") == "en"
        assert page.find("h1").text == "Teknikcollege documents" and page.driver.title == "Teknikcollege documents"
        assert page.find("#pdf").text == "Download PDF"
        page.status_says("Not ready yet:")
        page.find("#show-all").click()
        assert "Diarienummer: this field is required" in page.text("problems")  # named by its label, as the form shows it
        page.add("parties")
        assert page.part("parties").find_element(By.CSS_SELECTOR, ".jedi-array-delete").text == "Remove"
    finally:
        page.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


@pytest.fixture(scope="module")
def guarded_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    token = tmp_path_factory.mktemp("nyckel") / "token"
    token.write_text("hemlig-nyckel-0123456789\n", encoding="utf-8")
    yield from start("--jobs", "1", "--token-file", str(token))


def test_the_page_asks_for_the_services_key_once(browser, guarded_service):
    guarded = Page(browser.driver, guarded_service.base, browser.downloads)
    guarded.driver.get(f"{guarded.base}/")
    dialog = guarded.driver.find_element(By.ID, "token-dialog")
    guarded.wait.until(lambda _: dialog.is_displayed())
    assert "Tjänsten kräver en nyckel" in dialog.text
    guarded.find("#token").send_keys("hemlig-nyckel-0123456789", Keys.ENTER)
    guarded.wait.until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    guarded.settled()
    guarded.status_says("uppgifter saknas")
    guarded.driver.refresh()  # the same tab: the key is kept
    guarded.wait.until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    guarded.settled()
    assert not guarded.find("#token-dialog").is_displayed()
    assert guarded.driver.execute_script("return sessionStorage.getItem('tcdocs.token')") == "hemlig-nyckel-0123456789"


# --- the Word file that comes back ---------------------------------------------------------------------


def test_a_field_changed_in_word_is_taken_into_the_form_and_the_versions_compared(page: Page, examples, tmp_path):
    page.upload("open-file", EXAMPLES / "samverkansavtal.yaml")
    page.settled()
    page.status_says("Inga problem")
    edited = retype(examples["samverkansavtal"]["docx"], "parties.2.represented_by", "Barn- och utbildningsnämnden")
    edited, _, _ = change_wording(edited)
    word = tmp_path / "avtal-från-åsby.docx"
    word.write_bytes(edited)
    page.upload("word-file", word)
    page.wait.until(lambda _: "är inläst" in page.text("word-status"))
    fields = page.driver.find_element(By.ID, "word-fields")
    assert "Parter › 3 › Företrädd av: kommunstyrelsen → barn- och utbildningsnämnden" in fields.text
    assert "Inledning" in page.text("word-texts") or "uttryckligen" in page.text("word-texts")
    assert page.field("parties/2/represented_by").get_attribute("value") == "kommunstyrelsen"
    assert_accessible(page, "a Word file read")
    take = fields.find_element(By.CSS_SELECTOR, "button")
    described = page.driver.find_element(By.ID, take.get_attribute("aria-describedby"))
    assert described.text.startswith("Parter › 3 › Företrädd av: kommunstyrelsen → barn- och utbildningsnämnden")
    page.press(take)
    page.wait.until(lambda _: take.text == "Intaget i formuläret" and not take.is_enabled())
    assert page.field("parties/2/represented_by").get_attribute("value") == "barn- och utbildningsnämnden"
    page.settled()
    page.status_says("Inga problem")
    # The form's data now differs from the example in that one field: compared, it is one tracked change.
    page.upload("compare-file", EXAMPLES / "samverkansavtal.yaml")
    changes = page.downloaded(".docx")
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(changes.read_bytes())).read("word/document.xml"))
    assert ["".join(c.itertext()) for c in root.iter(q("del"))] == ["Kommunstyrelsen"]
    assert ["".join(c.itertext()) for c in root.iter(q("ins"))] == ["Barn- och utbildningsnämnden"]
    assert "spårade ändringar" in page.text("word-status")


def test_a_file_that_is_no_word_file_is_said_in_swedish(page: Page, tmp_path):
    wrong = tmp_path / "anteckningar.docx"
    wrong.write_text("Inga ändringar här.", encoding="utf-8")
    page.upload("word-file", wrong)
    page.wait.until(lambda _: "kunde inte läsas" in page.text("word-status"))
    assert "det här är ingen Word-fil (.docx)" in page.text("word-status")
