"""The importers' tests read their messages in English, as the command line gives them; the tests of the admin in
Greek (tests/importers/test_i18n.py) set their language themselves."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages made outside a request are written in the active language; without this it would be Greek."""
    with translation.override("en"):
        yield


@pytest.fixture
def oai_server():
    """The local OAI-PMH server on 127.0.0.1 (a random port, tests/importers/oai_server.py), pages of 25."""
    from tests.importers.oai_server import OAIServer

    with OAIServer(page_size=25).running() as server:
        yield server
