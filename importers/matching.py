"""Whether two places' names agree, for the "possible duplicate" hint of an import (not an automatic merge).

Names are compared without accents, case and script: Greek is transliterated to Latin letters (anyascii, as page
slugs are) so that «Ακρόπολη» and "Akropoli", or «Παρθενώνας» and "Parthenon", agree.
"""

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from anyascii import anyascii

SIMILAR = 0.8  # difflib ratio from which two names are taken to be the same name
MORE_WORDS = 2  # a name held in another with at most this many more words is the same name ("Acropolis of Athens")
NOT_WORD = re.compile(r"[^a-z0-9]+")


def name_key(name: str) -> str:
    """``name`` in lower-case Latin letters and digits, words separated by one space."""
    return NOT_WORD.sub(" ", anyascii(name or "").lower()).strip()


def names_similar(names: Iterable[str], others: Iterable[str]) -> bool:
    """Whether a name of ``names`` and one of ``others`` are the same name, or one holds the other as whole words
    with at most MORE_WORDS more ("Acropolis" and "Acropolis of Athens", not "Parthenon" and "Preclassical naiskos in
    the Parthenon")."""
    keys = {name_key(name) for name in names} - {""}
    other_keys = {name_key(name) for name in others} - {""}
    for key in keys:
        for other in other_keys:
            if SequenceMatcher(None, key, other).ratio() >= SIMILAR:
                return True
            short, long = sorted((key.split(), other.split()), key=len)
            if len(long) - len(short) <= MORE_WORDS and " ".join(short) in " ".join(long) and len(short[0]) >= 4:
                return True
    return False
