"""The OAI-PMH 2.0 provider at ``/oai``: each municipality's published archive items, harvestable by aggregators
(SearchCulture.gr, Europeana) in ``oai_dc`` and EDM.

One installation serves many municipalities on their own hosts: a request is answered for the municipality of its
host (the Wagtail site's Branding), so each municipality is its own repository, with its own identifiers
(``oai:<host>:<item uid>``) and sets (``<municipality slug>`` and ``<municipality slug>:<collection slug>``).

Modules: ``verbs`` reads a request's arguments (or says which protocol error they are), ``tokens`` signs and reads
resumption tokens, ``selectors`` reads the items by keyset, ``formats`` writes the metadata, ``responses`` the
OAI-PMH document, ``views`` the view.
"""


class OAIError(Exception):
    """A protocol error (OAI-PMH 2.0 section 3.6): its ``code`` (badArgument, badVerb...) and a message."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")
