"""Which text encoding a file's attributes are in: a shapefile's .cpg, else detected from the bytes.

Greek GIS data comes in UTF-8, Windows-1253 or ISO-8859-7 (and old DOS files in CP737). charset-normalizer tells
Greek from other scripts, but cannot tell Windows-1253 from ISO-8859-7: they share the Greek letters and differ in
a few bytes, above all capital alpha with tonos (Ά: 0xA2 in Windows-1253, 0xB6 in ISO-8859-7) and 0x80-0x9F
(printable in Windows-1253, control characters in ISO-8859-7). Those bytes decide between the two.
"""

import codecs
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from ..errors import UnreadableFile

SAMPLE_BYTES = 2 * 1024 * 1024
GREEK = ("cp1253", "iso8859_7", "cp737")
CANDIDATES = [*GREEK, "cp1252"]
LABELS = {  # translated when shown (Encoding.label)
    "utf-8": "UTF-8",
    "cp1253": gettext_noop("Windows-1253 (Greek)"),
    "iso8859-7": gettext_noop("ISO-8859-7 (Greek)"),
    "cp737": gettext_noop("CP737 (Greek DOS)"),
    "cp1252": gettext_noop("Windows-1252 (Western European)"),
    "ascii": "ASCII",
}
# .cpg contents (upper-cased) -> Python codec
CPG_ALIASES = {"UTF-8": "utf-8", "UTF8": "utf-8", "65001": "utf-8", "1253": "cp1253", "ANSI 1253": "cp1253"}
_GREEK_LETTER = rb"[\xb8-\xba\xbc\xbe-\xd1\xd3-\xfe]"  # Greek letters at the same place in both encodings
_WINDOWS_ONLY = re.compile(rb"[\x80\x82-\x87\x89\x8b\x91-\x97\x99\x9b]|\xa2" + _GREEK_LETTER)
_ISO_ONLY = re.compile(rb"\xb6" + _GREEK_LETTER)


@dataclass(frozen=True)
class Encoding:
    """A Python codec name and how it was chosen."""

    codec: str
    note: str

    @property
    def label(self) -> str:
        """A readable name ("Windows-1253 (Greek)")."""
        return _(LABELS[self.codec]) if self.codec in LABELS else self.codec


def codec_check(name: str, *, path: Path | str) -> str:
    """The Python codec for a user-named encoding ("windows-1253", "ISO-8859-7", "utf8"...)."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError as error:
        raise UnreadableFile(_("unknown text encoding '%(name)s'") % {"name": name}, path=path) from error


def _greek_variant(sample: bytes) -> Encoding:
    """Windows-1253 or ISO-8859-7 for Greek text, with the note saying why."""
    windows, iso = len(_WINDOWS_ONLY.findall(sample)), len(_ISO_ONLY.findall(sample))
    if iso > windows:
        note = ngettext(
            "detected: Greek text, not UTF-8 (Ά coded as 0xB6 %(count)d time)",
            "detected: Greek text, not UTF-8 (Ά coded as 0xB6 %(count)d times)",
            iso,
        )
        return Encoding("iso8859-7", note % {"count": iso})
    if windows:
        note = ngettext(
            "detected: Greek text, not UTF-8 (%(count)d character found only in Windows-1253)",
            "detected: Greek text, not UTF-8 (%(count)d characters found only in Windows-1253)",
            windows,
        )
        return Encoding("cp1253", note % {"count": windows})
    return Encoding(
        "cp1253", _("detected: Greek text, not UTF-8 (the two Greek code pages agree on every character of this file)")
    )


def encoding_detect(sample: bytes) -> Encoding:
    """The encoding of ``sample`` (text bytes, possibly cut mid-character): UTF-8 when it decodes as such,
    else a Greek code page when the text reads as Greek, else charset-normalizer's best guess."""
    if sample.isascii():
        return Encoding("utf-8", _("only ASCII characters"))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample.removeprefix(codecs.BOM_UTF8), final=False)
        return Encoding("utf-8", _("detected: the text is valid UTF-8"))
    except UnicodeDecodeError:
        pass
    matches = from_bytes(sample, cp_isolation=CANDIDATES)
    greek = [m.encoding for m in matches if m.encoding in GREEK]
    if {"cp1253", "iso8859_7", "iso8859-7"} & set(greek):
        return _greek_variant(sample)
    if greek:
        return Encoding(codecs.lookup(greek[0]).name, _("detected: Greek text, not UTF-8"))
    best = matches.best()
    if best is None:
        return Encoding("cp1253", _("not UTF-8 and not recognised; Windows-1253 assumed"))
    return Encoding(codecs.lookup(best.encoding).name, _("detected: not UTF-8"))


def dbf_sample(dbf: Path, limit: int = SAMPLE_BYTES) -> bytes:
    """The record bytes of a dBase file (after its header), up to ``limit`` bytes cut at a record boundary."""
    with dbf.open("rb") as handle:
        header = handle.read(32)
        if len(header) < 32:
            return b""
        header_length, record_length = struct.unpack("<HH", header[8:12])
        handle.seek(header_length)
        records = max(1, limit // max(record_length, 1))
        return handle.read(records * max(record_length, 1))


def text_sample(path: Path, limit: int = SAMPLE_BYTES) -> bytes:
    """The first ``limit`` bytes of a text file."""
    with path.open("rb") as handle:
        return handle.read(limit)


def cpg_encoding(cpg: Path) -> Encoding | None:
    """The encoding a shapefile's .cpg names, if Python knows it."""
    text = cpg.read_text(encoding="ascii", errors="replace").strip().upper()
    name = CPG_ALIASES.get(text) or (f"cp{text}" if text.isdigit() else text)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # Translators: %(content)s is what the .cpg file says, e.g. "UTF-8" or "1253".
    return Encoding(codec, _("named by the .cpg file (%(content)s)") % {"content": text})
