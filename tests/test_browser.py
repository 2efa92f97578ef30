"""A real browser over the live server: Debian's headless Chromium, driven by Selenium,
looks at the home page, an entity page, a document page, the search and the query editor as
a person would, checks the console has no errors, and saves screenshots in
tests/screenshots/ (git-ignored)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).parent / "screenshots"
FLAGS = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --window-size=1400,1600"


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS.split():
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="archivekg-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    SCREENSHOTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def visit(driver, url: str, name: str):
    driver.get_log("browser")  # forget what earlier pages logged
    driver.get(url)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def by_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def test_home_page(browser, live_server):
    visit(browser, live_server + "/", "home")
    assert by_css(browser, "h1")[0].text == "A knowledge graph of archival documents"
    numbers = {dt.text: dd.text for dt, dd in zip(by_css(browser, "#numbers dt"), by_css(browser, "#numbers dd"))}
    assert numbers["documents"] == "2" and int(numbers["entities"]) > 20
    assert len(by_css(browser, "table.documents a[href*='/id/document/']")) == 2
    assert by_css(browser, "form.search input[name=q]")[0].is_displayed()
    assert console_errors(browser) == []


def test_entity_page_and_its_link_into_a_document(browser, live_server):
    visit(browser, live_server + "/id/person/mao-zedong", "entity-mao-zedong")
    assert by_css(browser, "h1")[0].text == "Mao Zedong"
    wikidata = [a for a in by_css(browser, ".wikidata a") if a.text == "Q5816"]
    assert wikidata and wikidata[0].get_attribute("href") == "http://www.wikidata.org/entity/Q5816"
    assert by_css(browser, "figure.neighbourhood svg circle")
    assert console_errors(browser) == []
    snippet_link = by_css(browser, "ul.snippets a")[0]
    snippet_link.click()
    assert "/id/document/" in browser.current_url and "#m-" in browser.current_url
    anchor = browser.current_url.split("#", 1)[1]
    mention = by_css(browser, f"#{anchor}")[0]
    assert mention.text.lower().startswith("mao")
    browser.save_screenshot(str(SCREENSHOTS / "document-at-mention.png"))


def test_document_page_shows_the_text_and_links_its_mentions(browser, live_server):
    visit(browser, live_server + "/", "home-again")
    telegram = [a for a in by_css(browser, "table.documents a[href*='/id/document/']") if "25199" in a.find_element("xpath", "../..").text]
    assert telegram, "the telegram is listed with its number"
    telegram[0].click()
    browser.save_screenshot(str(SCREENSHOTS / "document-telegram.png"))
    text = by_css(browser, ".source-text")[0].text
    assert "I report the answer of MAO ZEDONG" in text
    mentions = by_css(browser, ".source-text a.mention")
    assert len(mentions) > 10
    assert console_errors(browser) == []
    [filippov] = [a for a in mentions if a.text == "FILIPPOV"]
    filippov.click()
    assert by_css(browser, "h1")[0].text == "Joseph Stalin"


def test_search_box(browser, live_server):
    visit(browser, live_server + "/", "search-start")
    box = by_css(browser, "header.site form.search input[name=q]")[0]
    box.send_keys("filippov")
    box.submit()
    browser.save_screenshot(str(SCREENSHOTS / "search-filippov.png"))
    results = [a.text for a in by_css(browser, "ol.results a")]
    assert results[0] == "Joseph Stalin"
    assert console_errors(browser) == []


def test_query_editor_runs_a_query(browser, live_server):
    from selenium.webdriver.support.ui import WebDriverWait

    visit(browser, live_server + "/sparql", "editor")
    assert by_css(browser, "#yasgui"), "the query editor is on /sparql"
    wait = WebDriverWait(browser, 20)
    wait.until(lambda d: d.execute_script("return !!(window.archivekgEditor && window.archivekgEditor.getTab())"))
    query = 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?label WHERE { ?p a <http://schema.org/Person> ; rdfs:label ?label } ORDER BY ?label'
    browser.execute_script("var y = window.archivekgEditor.getTab().getYasqe(); y.setValue(arguments[0]); y.query();", query)
    wait.until(lambda d: "Mao Zedong" in " ".join(e.text for e in by_css(d, ".yasr")))
    browser.save_screenshot(str(SCREENSHOTS / "editor-results.png"))
    assert "Joseph Stalin" in by_css(browser, ".yasr")[0].text
    assert console_errors(browser) == []


def test_a_claim_page_head_is_not_styled_as_a_claim_card(browser, live_server):
    """The claim card's style (grey capitals) is for cards, not the page's own head."""
    visit(browser, live_server + "/disputes", "disputes")
    claim = [a.get_attribute("href") for a in by_css(browser, "section.dispute a[href*='/id/claim/']")][0]
    visit(browser, claim, "claim")
    style = lambda element, name: browser.execute_script("return getComputedStyle(arguments[0])[arguments[1]]", element, name)  # noqa: E731
    heading, iri = by_css(browser, "header.page-head h1")[0], by_css(browser, "header.page-head .iri")[0]
    for element in (heading, iri):
        assert style(element, "textTransform") == "none"
        assert style(element, "letterSpacing") == "normal"
    assert iri.text.startswith("http://"), "the IRI is shown as it is written"
    card_head = by_css(browser, ".main-column article header")[0]  # the claim's card
    assert style(card_head, "textTransform") == "uppercase"
    assert console_errors(browser) == []


def text_boxes(driver, selector: str) -> list[dict]:
    return driver.execute_script(
        """return Array.from(document.querySelectorAll(arguments[0])).map(function (t) {
             var r = t.getBoundingClientRect();
             return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                     size: parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getBoundingClientRect().width / t.ownerSVGElement.viewBox.baseVal.width};
           });""", selector)


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1 and b["top"] < a["bottom"] - 1:
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.parametrize("path", ["/id/person/mao-zedong", "/id/person/joseph-stalin", "/id/document/001-6bf8637f507ce4ab"])
def test_the_neighbourhood_picture_is_readable(browser, live_server, path):
    """Drawn large enough to read (text at 11 px or more as shown), with no two labels on top
    of each other and none outside the picture."""
    visit(browser, live_server + path, "neighbourhood-" + path.rsplit("/", 1)[-1])
    svg = by_css(browser, "figure.neighbourhood svg")[0]
    browser.execute_script("arguments[0].scrollIntoView()", svg)
    width = svg.size["width"]
    assert width >= 700, width
    boxes = text_boxes(browser, "figure.neighbourhood svg text")
    assert len(boxes) >= 5
    for box in boxes:
        assert box["size"] >= 11, box
    assert overlapping(boxes) == []
    frame = browser.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom];", svg)
    for box in boxes:
        assert frame[0] <= box["left"] and box["right"] <= frame[1] and frame[2] <= box["top"] and box["bottom"] <= frame[3], box
    svg.screenshot(str(SCREENSHOTS / f"neighbourhood-{path.rsplit('/', 1)[-1]}-picture.png"))


def test_and_n_more_opens_the_editor_with_its_query_and_runs_it(browser, live_server):
    from selenium.webdriver.support.ui import WebDriverWait

    visit(browser, live_server + "/id/document/001-6bf8637f507ce4ab", "document-more")
    [link] = [a for a in by_css(browser, "table.statements li.more a") if "mentioned in" in a.find_element("xpath", "../../../..").text]
    hidden = int(link.text.split()[1])
    link.click()
    WebDriverWait(browser, 20).until(lambda d: "results" in " ".join(e.text for e in by_css(d, ".yasr")))
    browser.save_screenshot(str(SCREENSHOTS / "editor-from-more.png"))
    assert "/sparql#query=" in browser.current_url
    query = browser.execute_script("return window.archivekgEditor.getTab().getYasqe().getValue()")
    assert "kg:mentionedIn" in query
    shown = " ".join(e.text for e in by_css(browser, ".yasr"))  # the tab opened for the query is the one shown
    assert f"{25 + hidden} results" in shown
    assert console_errors(browser) == []


@pytest.mark.parametrize("path, name", [("/ontology", "ontology"), ("/sparql", "editor-nav")])
def test_ontology_and_editor_are_inside_the_site(browser, live_server, path, name):
    visit(browser, live_server + path, name)
    nav = [a.text for a in by_css(browser, "header.site nav a")]
    assert {"Home", "Documents", "SPARQL", "Ontology"} <= set(nav)
    assert by_css(browser, "header.site form.search input[name=q]")[0].is_displayed()
    assert console_errors(browser) == [], "no inline script or style was refused"


def test_documents_list_in_the_browser(browser, live_server):
    from selenium.webdriver.support.ui import Select

    visit(browser, live_server + "/", "home-list")
    [link] = [a for a in by_css(browser, "#documents p.all-documents a")]
    link.click()
    Select(by_css(browser, "form.filters select[name=kind]")[0]).select_by_value("telegram")
    by_css(browser, "form.filters button")[0].click()
    browser.save_screenshot(str(SCREENSHOTS / "documents-telegrams.png"))
    assert "kind=telegram" in browser.current_url
    rows = by_css(browser, "table.documents tbody tr")
    assert rows and all("telegram" in r.text for r in rows)
    assert by_css(browser, "figure.timeline svg rect.bar")
    assert console_errors(browser) == []
