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
