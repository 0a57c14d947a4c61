"""Each municipality is its own Wagtail site, chosen by Host header, in Greek and English."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("host", "language", "title", "intro_word"),
    [
        ("athens.localhost", "el", "Δήμος Αθηναίων", "Αθήνας"),
        ("athens.localhost", "en", "Municipality of Athens", "Athens"),
        ("nafplio.localhost", "el", "Δήμος Ναυπλιέων", "Αργολίδα"),
        ("nafplio.localhost", "en", "Municipality of Nafplio", "Argolid"),
    ],
)
def test_home_page_per_municipality_and_language(client, host, language, title, intro_word):
    response = client.get(f"/{language}/", HTTP_HOST=host)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == language
    assert soup.h1.get_text(strip=True) == title
    assert intro_word in soup.select_one(".intro").get_text()


def test_root_redirects_to_the_greek_home(client):
    response = client.get("/", HTTP_HOST="nafplio.localhost")
    assert response.status_code == 302
    assert response["Location"] == "/el/"


def test_unknown_host_gets_the_default_site(client):
    response = client.get("/el/", HTTP_HOST="127.0.0.1")
    assert BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True) == "Δήμος Αθηναίων"


@pytest.mark.parametrize(("path", "other"), [("/el/", "/en/"), ("/en/", "/el/"), ("/el/map/", "/en/map/")])
def test_language_switcher_links_to_the_same_page(client, path, other):
    soup = BeautifulSoup(client.get(path, HTTP_HOST="nafplio.localhost").content, "html.parser")
    switcher = soup.select_one(".language-switcher")
    links = {a["hreflang"]: a["href"] for a in switcher.select("a[hreflang]")}
    assert list(links.values()) == [other]
    assert switcher.select_one("[aria-current]")["lang"] == path.strip("/").split("/")[0]


def test_interface_is_translated_into_greek(client):
    soup = BeautifulSoup(client.get("/el/map/", HTTP_HOST="athens.localhost").content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Χάρτης"
    assert soup.select_one(".skip-link").get_text(strip=True) == "Μετάβαση στο περιεχόμενο"
