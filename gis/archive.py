"""The archive's vocabularies as functions: the rights an item may carry (Creative Commons, RightsStatements.org)
and the DCMI type of a ``dc:type`` or ``edm:type`` value. Pure: no database."""

import re
from dataclasses import dataclass

from .vocabularies import DCMI_TYPE_NS, DCMI_TYPES, EDM_TYPES, RIGHTS

DC_ELEMENTS = (
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
)


@dataclass(frozen=True)
class Rights:
    """A rights statement: its canonical URI, short name (``CC BY 4.0``, ``InC``) and English name."""

    uri: str
    short: str
    name: str


_BY_URI = {uri: Rights(uri, short, name) for uri, short, name in RIGHTS}
_BY_SHORT = {re.sub(r"[\s-]+", " ", short.lower()): rights for rights in _BY_URI.values() for short in [rights.short]}
_DCMI = {term.lower(): term for term, _el, _en in DCMI_TYPES}


def _canonical_uri(value: str) -> str:
    """``https://creativecommons.org/licenses/by/4.0/deed.el`` -> ``http://creativecommons.org/licenses/by/4.0/``."""
    uri = re.sub(r"^https://", "http://", value.strip())
    uri = re.sub(r"/(deed|legalcode)(\.[A-Za-z_-]+)?$", "/", uri)
    uri = re.sub(r"^http://www\.", "http://", uri)
    return uri if uri.endswith("/") else uri + "/"


def rights_resolve(value: str) -> Rights | None:
    """The rights ``value`` names: a Creative Commons or RightsStatements.org URI (http or https, with or without
    the trailing slash or a ``deed`` page) or a short name (``CC BY-SA 4.0``, ``CC0 1.0``, ``InC``); None for
    anything else."""
    text = (value or "").strip()
    if not text:
        return None
    if re.match(r"^https?://", text):
        return _BY_URI.get(_canonical_uri(text))
    return _BY_SHORT.get(re.sub(r"[\s-]+", " ", text.lower()))


def rights_name(uri: str) -> str:
    """The name a rights URI is shown by (``CC BY 4.0``), or the URI itself for one not in the vocabulary."""
    rights = _BY_URI.get(uri)
    return rights.short if rights else uri


def dcmi_type_resolve(value: str) -> str:
    """The DCMI Type term that ``value`` is (``Image``, ``http://purl.org/dc/dcmitype/StillImage``, an ``edm:type``
    such as ``IMAGE``), or "" when it is none of them (the text is kept as a value, with no type)."""
    text = (value or "").strip()
    if text.startswith(DCMI_TYPE_NS):
        text = text[len(DCMI_TYPE_NS) :]
    if text in EDM_TYPES:
        return EDM_TYPES[text]
    return _DCMI.get(text.replace(" ", "").lower(), "")
