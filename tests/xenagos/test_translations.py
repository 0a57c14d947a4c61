"""Every interface string of the project has its translation: no empty or fuzzy entry in any of our .po files,
placeholders kept, and the compiled .mo holds exactly what the .po says (``make test`` runs compilemessages)."""

import re
import subprocess
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "var", ".git"}


def project_catalogues() -> list[Path]:
    """Our own .po files: site/locale, the overrides of third-party apps' strings, every app's locale folder."""
    found = []
    for path in sorted(ROOT.rglob("*/LC_MESSAGES/*.po")):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            found.append(path)
    return found


CATALOGUES = project_catalogues()
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def test_the_project_has_its_catalogues():
    names = {str(path.relative_to(ROOT)) for path in CATALOGUES}
    assert "site/locale/el/LC_MESSAGES/django.po" in names
    assert "tiles/locale/el/LC_MESSAGES/django.po" in names
    assert "site/locale-overrides/el/LC_MESSAGES/django.po" in names
    assert "site/locale-overrides/el/LC_MESSAGES/djangojs.po" in names


def entry_name(entry: polib.POEntry) -> str:
    where = ", ".join(f"{file}:{line}" for file, line in entry.occurrences[:2])
    context = f" [{entry.msgctxt}]" if entry.msgctxt else ""
    return f"line {entry.linenum}{context}: {entry.msgid!r}" + (f" ({where})" if where else "")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_msgid_is_translated(path: Path):
    catalogue = polib.pofile(str(path), wrapwidth=0)
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append("fuzzy " + entry_name(entry))
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                problems.append("untranslated plural " + entry_name(entry))
        elif not entry.msgstr:
            problems.append("untranslated " + entry_name(entry))
    assert not problems, f"{path.relative_to(ROOT)}: {len(problems)} entries need a translation:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_translations_keep_their_placeholders(path: Path):
    catalogue = polib.pofile(str(path), wrapwidth=0)
    problems = []
    for entry in catalogue.translated_entries():
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            got = set(PLACEHOLDER.findall(text))
            # A plural form may leave the number out ("ένα λεπτό"); it may never bring a name the source lacks.
            if got - wanted or (not entry.msgid_plural and got != wanted):
                problems.append(f"{entry_name(entry)} -> {text!r}")
    assert not problems, f"{path.relative_to(ROOT)}: placeholders differ:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_compiled_catalogue_matches_the_po(path: Path):
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.relative_to(ROOT)} is missing: run manage.py compilemessages"
    check = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    po = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)).translated_entries() if e.msgid}
    mo = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(mo_path)) if e.msgid}
    assert set(mo) == set(po), (
        f"{mo_path.relative_to(ROOT)} is out of date: run manage.py compilemessages "
        f"(only in .po: {sorted(set(po) - set(mo))[:5]}, only in .mo: {sorted(set(mo) - set(po))[:5]})"
    )
    stale = [
        key
        for key, entry in po.items()
        if (entry.msgstr_plural or entry.msgstr) != (mo[key].msgstr_plural or mo[key].msgstr)
    ]
    assert not stale, f"{mo_path.relative_to(ROOT)} is out of date for {stale[:5]}: run manage.py compilemessages"
