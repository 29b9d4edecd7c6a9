"""The service's page in a real browser: a processledare fills in the form and gets the document.

One headless Chromium for the module, driven as a person would: typing into fields, adding
items to lists, opening and attaching files, reading what the page says in Swedish.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")
pytest.importorskip("selenium", reason="selenium is not installed")

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from .conftest import EXAMPLES
from .reading import flat, pdf_pages
from .test_server import Service, start

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
        """Type a date into a date field, its parts in the order the browser's locale shows them."""
        field = self.into_view(self.field(path))
        order = self.driver.execute_script(
            "return new Intl.DateTimeFormat(undefined, {year: 'numeric', month: '2-digit', day: '2-digit'})"
            ".formatToParts(new Date(2000, 10, 22)).filter(p => p.type !== 'literal').map(p => p.type)"
        )
        year, month, day = iso.split("-")
        parts = {"year": year, "month": month, "day": day}
        for name in order:  # one part at a time: the browser moves to the next part after each
            field.send_keys(parts[name])
        field.send_keys(Keys.TAB)
        assert field.get_attribute("value") == iso

    def choose(self, path: str, visible_text: str) -> None:
        Select(self.into_view(self.field(path))).select_by_visible_text(visible_text)

    def add(self, path: str) -> None:
        """Press a list's "Lägg till"."""
        before = len(self.part(path).find_elements(By.CSS_SELECTOR, ":scope .jedi-array-item"))
        self.into_view(self.part(path).find_element(By.CSS_SELECTOR, ".jedi-array-add")).click()
        self.wait.until(lambda _: len(self.part(path).find_elements(By.CSS_SELECTOR, ":scope .jedi-array-item")) > before)

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
    # A field nobody has touched yet keeps quiet beside it; the list names everything.
    assert "måste fyllas i" not in page.part("region").text
    assert "Region: fältet måste fyllas i" in page.text("problems")
    assert_accessible(page, "a problem beside its field")
    # The list's entry moves the focus to the field; its line number to the line in the YAML view.
    [item] = [item for item in page.driver.find_elements(By.CSS_SELECTOR, "#problems li") if "Organisationsnummer" in item.text]
    item.find_element(By.CSS_SELECTOR, ".to-field").click()
    assert page.driver.switch_to.active_element == page.field("parties/0/org_number")
    line = item.find_element(By.CSS_SELECTOR, ".to-line")
    number = int(line.text.split()[-1])
    line.click()
    yaml = page.driver.find_element(By.ID, "yaml")
    assert page.driver.switch_to.active_element == yaml
    cursor_line = page.driver.execute_script("const a = arguments[0]; return a.value.slice(0, a.selectionStart).split('\\n').length", yaml)
    assert cursor_line == number
    assert yaml.get_attribute("value").splitlines()[number - 1].strip() == "org_number: 212999-0078"


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


def test_a_reload_keeps_the_draft(page):
    page.type("dnr", "KS 2026/901")
    page.type("region", "Mellanå")
    page.wait.until(lambda d: "region: Mellanå" in (d.execute_script("return localStorage.getItem('tcdocs.draft')") or ""))
    page.open(fresh=False)
    assert page.field("dnr").get_attribute("value") == "KS 2026/901"
    assert page.field("region").get_attribute("value") == "Mellanå"
    assert "region: Mellanå" in page.driver.find_element(By.ID, "yaml").get_attribute("value")


@pytest.mark.parametrize(("width", "zoom"), [(400, 1), (1280, 2)], ids=["400px", "200%"])
def test_a_narrow_window_or_a_large_zoom_gives_one_column_without_sideways_scrolling(page, width, zoom):
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
        assert_accessible(page, f"{width} px at {zoom * 100} %")
    finally:
        page.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_yaml_view_and_the_form_follow_each_other(page):
    page.type("region", "Norrå")
    page.find("#yaml-view summary").click()
    yaml = page.driver.find_element(By.ID, "yaml")
    page.wait.until(lambda _: "region: Norrå" in yaml.get_attribute("value"))
    assert page.text("yaml-lines").startswith("1 2 3")
    yaml.click()
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


def test_an_older_answer_never_replaces_a_newer_one(page):
    page.find("#starter").click()
    page.settled()
    page.status_says("Inga problem")
    # The next check's answer is held back until the one after it has been shown.
    page.driver.execute_script("""
        const original = window.fetch;
        window.held = null;
        window.fetch = async (url, options) => {
          const response = await original(url, options);
          if (!String(url).includes('/v1/check/') || window.held !== null) return response;
          window.held = 'waiting';
          await new Promise((release) => { window.release = release; });
          const body = await response.text();
          return {ok: response.ok, status: response.status, headers: response.headers,
                  json: async () => { setTimeout(() => { window.held = 'done'; }); return JSON.parse(body); }};
        };""")
    right = page.field("parties/0/org_number").get_attribute("value")
    page.type("parties/0/org_number", "212999-0078")
    page.wait.until(lambda d: d.execute_script("return window.held === 'waiting'"))
    page.type("parties/0/org_number", right)
    page.settled()
    page.status_says("Inga problem")
    page.driver.execute_script("window.release()")
    page.wait.until(lambda d: d.execute_script("return window.held === 'done'"))
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
    page.status_says("problem att rätta")
    assert not page.find("#retry").is_displayed()


def test_the_page_speaks_english_when_the_browser_asks(page):
    page.driver.execute_cdp_cmd("Network.enable", {})
    page.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": "en-GB,en;q=0.9"}})
    try:
        page.open()
        assert page.find("html").get_attribute("lang") == "en"
        assert page.find("h1").text == "tcdocs – Teknikcollege documents"
        assert page.find("#pdf").text == "Download PDF"
        assert "dnr: this field is required" in page.text("problems")
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
    guarded.status_says("problem att rätta")
    guarded.driver.refresh()  # the same tab: the key is kept
    guarded.wait.until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    guarded.settled()
    assert not guarded.find("#token-dialog").is_displayed()
    assert guarded.driver.execute_script("return sessionStorage.getItem('tcdocs.token')") == "hemlig-nyckel-0123456789"
