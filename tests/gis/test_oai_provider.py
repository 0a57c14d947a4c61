"""The OAI-PMH 2.0 provider at /oai (gis.oai): every answer validated against OAI-PMH.xsd (each oai_dc payload
against the oai_dc schema's rule, each EDM payload by edmlib, Kulturpool's EDM validator), all six verbs, each
protocol error, paging by signed resumption tokens, deleted records (withdrawn and deleted from the database), one
repository per municipality's host. On PostGIS."""

import datetime as dt
import io
from pathlib import Path
from xml.etree.ElementTree import Element, tostring

import pytest
import xmlschema
from defusedxml.ElementTree import fromstring
from django.contrib.gis.geos import Point
from django.core import signing
from django.core.files.images import ImageFile
from django.test import Client
from edmlib import EDM_Parser
from wagtail.images.models import Image
from wagtail.models import Collection

from gis.models import ArchiveItem, ArchiveItemDeletion, ArchiveItemImage, ArchiveValue, TilesState
from gis.oai.tokens import SALT
from importers.readers.dc import XmlSource, dc_values
from tests.factories import ArchiveCollectionFactory, ArchiveItemFactory, PlaceFactory
from tests.gis.test_iiif import jpeg_bytes

pytestmark = pytest.mark.django_db

OAI_XSD = Path(__file__).parents[1] / "importers" / "data" / "oai" / "OAI-PMH.xsd"
EDM_VALID = Path("/work/shared/data/archive/edm/record_valid-record.xml")
OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"
EDM = "{http://www.europeana.eu/schemas/edm/}"
ORE = "{http://www.openarchives.org/ore/terms/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
WGS84 = "{http://www.w3.org/2003/01/geo/wgs84_pos#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATHENS = "athens.localhost"
NAFPLIO = "nafplio.localhost"

# The oai_dc schema's rule (http://www.openarchives.org/OAI/2.0/oai_dc.xsd, which imports the DCMI's simpledc.xsd):
# an oai_dc:dc element holds, in any order and number, the fifteen dc: elements, each a string with an optional
# xml:lang. Neither file is on this machine or in a package we could find, so the rule is written out here.
OAI_DC_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:dc="http://purl.org/dc/elements/1.1/"
           targetNamespace="http://purl.org/dc/elements/1.1/" elementFormDefault="qualified">
  <xs:import namespace="http://www.w3.org/XML/1998/namespace"/>
  <xs:complexType name="elementType">
    <xs:simpleContent><xs:extension base="xs:string"><xs:attribute ref="xml:lang" use="optional"/></xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  {elements}
</xs:schema>"""
OAI_DC_WRAPPER_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:dc="http://purl.org/dc/elements/1.1/"
           xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
           targetNamespace="http://www.openarchives.org/OAI/2.0/oai_dc/" elementFormDefault="qualified">
  <xs:import namespace="http://purl.org/dc/elements/1.1/" schemaLocation="dc.xsd"/>
  <xs:element name="dc"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded">{refs}</xs:choice>
  <xs:anyAttribute namespace="http://www.w3.org/2001/XMLSchema-instance" processContents="lax"/>
  </xs:complexType></xs:element>
</xs:schema>"""
DC_ELEMENTS = (
    "title creator subject description publisher contributor date type format identifier source language relation "
    "coverage rights"
).split()

FULL = [
    ("title", "Η πλατεία Συντάγματος", "el"),
    ("title", "Syntagma Square", "en"),
    ("creator", "Φωτογράφος Α", ""),
    ("subject", "πλατείες", "el"),
    ("description", "Καρτ ποστάλ της πλατείας", "el"),
    ("publisher", "Εκδόσεις Β", ""),
    ("contributor", "Συλλέκτης Γ", ""),
    ("date", "περ. 1920", ""),
    ("type", "Image", ""),
    ("format", "image/jpeg", ""),
    ("identifier", "postcard-1", ""),
    ("source", "Αρχείο Δήμου", "el"),
    ("language", "el", ""),
    ("relation", "postcard-2", ""),
    ("coverage", "Αθήνα", "el"),
    ("rights", "https://creativecommons.org/licenses/by-sa/4.0/", ""),
]


@pytest.fixture(scope="module")
def schemas(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oai_dc")
    (folder / "dc.xsd").write_text(
        OAI_DC_XSD.replace(
            "{elements}", "".join(f'<xs:element name="{name}" type="dc:elementType"/>' for name in DC_ELEMENTS)
        )
    )
    (folder / "oai_dc.xsd").write_text(
        OAI_DC_WRAPPER_XSD.replace("{refs}", "".join(f'<xs:element ref="dc:{name}"/>' for name in DC_ELEMENTS))
    )
    return xmlschema.XMLSchema(str(OAI_XSD)), xmlschema.XMLSchema(str(folder / "oai_dc.xsd"))


@pytest.fixture
def harvest(schemas):
    """``harvest(host, **arguments)``: the /oai answer on ``host`` (GET; POST with ``method="post"``), checked: 200,
    XML, valid against OAI-PMH.xsd, each oai_dc payload valid; returned parsed."""
    oai_schema, dc_schema = schemas
    client = Client()

    def get(host: str = ATHENS, method: str = "get", **arguments) -> Element:
        arguments = {name.rstrip("_"): value for name, value in arguments.items()}
        response = getattr(client, method)("/oai", arguments, HTTP_HOST=host)
        assert response.status_code == 200, response.content[:500]
        assert response["Content-Type"].startswith("text/xml")
        oai_schema.validate(response.content.decode())
        root = fromstring(response.content)
        for dc in root.iter(f"{OAI_DC}dc"):
            dc_schema.validate(tostring(dc, encoding="unicode"))
        for rdf in root.iter(f"{RDF}RDF"):
            edm_validate(tostring(rdf, encoding="unicode"))
        return root

    return get


def edm_validate(text: str):
    """The EDM record ``text`` parsed and validated by edmlib (EDM's classes, their required properties and
    cardinalities, its rights vocabulary); a pydantic ValidationError names what is wrong."""
    return EDM_Parser.from_string(text).parse()


def test_the_edm_validator_refuses_a_record_without_rights():
    """The check above can fail: Europeana's own valid sample passes, the same record without edm:rights does not."""
    text = EDM_VALID.read_text(encoding="utf-8")
    assert edm_validate(text).aggregation.edm_rights.value == "http://creativecommons.org/publicdomain/mark/1.0/"
    stripped = text.replace('<edm:rights rdf:resource="http://creativecommons.org/publicdomain/mark/1.0/"/>', "")
    assert stripped != text
    with pytest.raises(ValueError, match="edm_rights"):  # pydantic's ValidationError is a ValueError
        edm_validate(stripped)


def viewable(*items: ArchiveItem) -> list[ArchiveItem]:
    """Give each item an image whose tile set is ready, which EDM needs (edm:isShownBy): a real JPEG in its
    municipality's collection; the row is written without the tiling task (bulk_create sends no signal), its state
    set to done: the provider reads only that state (tests/gis/test_iiif.py tiles for real)."""
    rows = []
    for item in items:
        collection = Collection.objects.get(name=item.municipality.name_en, depth=2)
        picture = Image.objects.create(
            title=item.name_el, file=ImageFile(io.BytesIO(jpeg_bytes(64, 48)), name="item.jpg"), collection=collection
        )
        rows.append(ArchiveItemImage(item=item, image=picture, alt_el=item.name_el, tiles_state=TilesState.DONE))
    ArchiveItemImage.objects.bulk_create(rows)
    return list(items)


def error_code(root: Element) -> str | None:
    error = root.find(f"{OAI}error")
    return None if error is None else error.get("code")


def identifiers(root: Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{OAI}identifier") if element.text]


def oai_id(item, host: str = ATHENS) -> str:
    return f"oai:{host}:{item.uid}"


def stamp(item, moment: dt.datetime) -> None:
    """Set the item's datestamp (updated_at is auto_now on save; a queryset update is not)."""
    ArchiveItem.objects.filter(pk=item.pk).update(updated_at=moment)


def athens_items():
    return ArchiveItem.objects.filter(municipality__code="9186")


# --- Identify, formats, sets -----------------------------------------------------------------------------------


def test_identify_names_the_municipality_of_the_host_and_says_what_the_protocol_asks(harvest, athens, nafplio):
    item = ArchiveItemFactory(dc=FULL)
    stamp(item, dt.datetime(2001, 2, 3, 4, 5, 6, 789000, tzinfo=dt.UTC))
    root = harvest(verb="Identify")
    identify = root.find(f"{OAI}Identify")
    assert athens.name_el in identify.findtext(f"{OAI}repositoryName")
    assert identify.findtext(f"{OAI}baseURL") == "http://athens.localhost/oai"
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}deletedRecord") == "persistent"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"
    earliest = min(athens_items().values_list("updated_at", flat=True))
    assert identify.findtext(f"{OAI}earliestDatestamp") == earliest.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert root.find(f"{OAI}request").attrib == {"verb": "Identify"}
    other = harvest(NAFPLIO, verb="Identify").find(f"{OAI}Identify")
    assert nafplio.name_el in other.findtext(f"{OAI}repositoryName")
    assert other.findtext(f"{OAI}baseURL") == "http://nafplio.localhost/oai"


def test_post_is_answered_as_get(harvest):
    item = ArchiveItemFactory(dc=FULL)
    by_post = harvest(method="post", verb="GetRecord", identifier=oai_id(item), metadataPrefix="oai_dc")
    by_get = harvest(verb="GetRecord", identifier=oai_id(item), metadataPrefix="oai_dc")
    assert identifiers(by_post) == identifiers(by_get) == [oai_id(item)]


def test_list_metadata_formats_with_and_without_an_identifier(harvest):
    (ready,) = viewable(ArchiveItemFactory(dc=FULL))
    (no_rights,) = viewable(ArchiveItemFactory(dc=[("title", "Χωρίς άδεια", "el"), ("type", "Image", "")]))
    no_image = ArchiveItemFactory(dc=FULL)
    prefixes = lambda root: [e.text for e in root.iter(f"{OAI}metadataPrefix")]  # noqa: E731
    assert prefixes(harvest(verb="ListMetadataFormats")) == ["oai_dc", "edm"]
    assert prefixes(harvest(verb="ListMetadataFormats", identifier=oai_id(ready))) == ["oai_dc", "edm"]
    assert prefixes(harvest(verb="ListMetadataFormats", identifier=oai_id(no_rights))) == ["oai_dc"]
    assert prefixes(harvest(verb="ListMetadataFormats", identifier=oai_id(no_image))) == ["oai_dc"]
    root = harvest(verb="ListMetadataFormats", identifier="oai:athens.localhost:nothing")
    assert error_code(root) == "idDoesNotExist"


def test_list_sets_are_the_municipality_and_its_collections(harvest, athens, nafplio):
    ArchiveCollectionFactory(slug="postcards", name_el="Καρτ ποστάλ")
    ArchiveCollectionFactory(municipality=nafplio, slug="plates")
    root = harvest(verb="ListSets")
    specs = [e.text for e in root.iter(f"{OAI}setSpec")]
    assert specs[0] == athens.slug  # the parent of every a:b set exists, as the protocol asks of a hierarchy
    assert f"{athens.slug}:postcards" in specs
    assert all(spec == athens.slug or spec.startswith(f"{athens.slug}:") for spec in specs)
    assert error_code(harvest(verb="ListSets", resumptionToken="x")) == "badResumptionToken"


# --- errors ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [{}, {"verb": "Harvest"}, {"verb": ["Identify", "Identify"]}],
    ids=["missing", "unknown", "repeated"],
)
def test_bad_verb(harvest, arguments):
    root = harvest(**arguments)
    assert error_code(root) == "badVerb"
    assert root.find(f"{OAI}request").attrib == {}  # no attributes with badVerb and badArgument, as the spec says


@pytest.mark.parametrize(
    "arguments",
    [
        {"verb": "Identify", "set": "x"},
        {"verb": "ListRecords"},
        {"verb": "GetRecord", "identifier": "oai:athens.localhost:x"},
        {"verb": "ListRecords", "metadataPrefix": ["oai_dc", "edm"]},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2020-01-02T00:00:00Z"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2020-01-02", "until": "2020-01-01"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-02-30"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01T00:00:00"},
        {"verb": "ListRecords", "metadataPrefix": ""},
    ],
    ids=[
        "illegal",
        "missing-prefix",
        "missing-prefix-getrecord",
        "repeated",
        "token-not-exclusive",
        "mixed-granularity",
        "from-after-until",
        "no-such-day",
        "no-zone",
        "empty",
    ],
)
def test_bad_argument(harvest, arguments):
    root = harvest(**arguments)
    assert error_code(root) == "badArgument"
    assert root.find(f"{OAI}request").attrib == {}


def test_cannot_disseminate_format(harvest):
    item = ArchiveItemFactory(dc=[("title", "Χωρίς τύπο", "el")])  # no type, no rights: not EDM
    assert error_code(harvest(verb="ListRecords", metadataPrefix="marc21")) == "cannotDisseminateFormat"
    root = harvest(verb="GetRecord", identifier=oai_id(item), metadataPrefix="marc21")
    assert error_code(root) == "cannotDisseminateFormat"
    assert root.find(f"{OAI}request").get("metadataPrefix") == "marc21"  # other errors echo the arguments
    assert error_code(harvest(verb="GetRecord", identifier=oai_id(item), metadataPrefix="edm")) == (
        "cannotDisseminateFormat"
    )


def test_id_does_not_exist_for_other_municipalities_unpublished_and_malformed(harvest, nafplio):
    theirs = ArchiveItemFactory(municipality=nafplio, dc=FULL)
    nobodys = ArchiveItemFactory(municipality=None, dc=FULL)  # in no municipality: not published
    for identifier in (
        oai_id(theirs),  # Nafplio's item asked of Athens
        oai_id(theirs, NAFPLIO).replace(NAFPLIO, ATHENS),
        oai_id(nobodys),
        f"oai:{NAFPLIO}:{ArchiveItemFactory(dc=FULL).uid}",  # Athens' item under Nafplio's name
        "oai:athens.localhost:not-a-uuid",
        "urn:something",
    ):
        root = harvest(verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc")
        assert error_code(root) == "idDoesNotExist", identifier
    assert identifiers(harvest(NAFPLIO, verb="GetRecord", identifier=oai_id(theirs, NAFPLIO), metadataPrefix="oai_dc"))


def test_no_records_match(harvest):
    ArchiveItemFactory(dc=FULL)
    root = harvest(verb="ListRecords", metadataPrefix="oai_dc", from_="2999-01-01")
    assert error_code(root) == "noRecordsMatch"
    assert error_code(harvest(verb="ListIdentifiers", metadataPrefix="oai_dc", set="athens:nothing")) == (
        "noRecordsMatch"
    )
    assert error_code(harvest(verb="ListIdentifiers", metadataPrefix="oai_dc", set="nafplio")) == "noRecordsMatch"


def test_bad_resumption_token_tampered_expired_or_of_another_repository(harvest, settings, nafplio):
    settings.OAI_PAGE_SIZE = 1
    for _ in range(2):
        ArchiveItemFactory(dc=FULL)
        ArchiveItemFactory(municipality=nafplio, dc=FULL)
    token = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc").find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
    assert token is not None and token.text
    good = token.text
    assert identifiers(harvest(verb="ListIdentifiers", resumptionToken=good))  # it works as given
    tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    assert error_code(harvest(verb="ListIdentifiers", resumptionToken=tampered)) == "badResumptionToken"
    forged = signing.dumps({"municipality": 1}, salt="another salt")
    assert error_code(harvest(verb="ListIdentifiers", resumptionToken=forged)) == "badResumptionToken"
    assert error_code(harvest(NAFPLIO, verb="ListIdentifiers", resumptionToken=good)) == "badResumptionToken"
    assert error_code(harvest(verb="ListRecords", resumptionToken=good)) == "badResumptionToken"  # another verb
    broken = signing.dumps({"municipality": 1}, salt=SALT, compress=True)  # signed, but not a list's state
    assert error_code(harvest(verb="ListIdentifiers", resumptionToken=broken)) == "badResumptionToken"
    settings.OAI_TOKEN_TTL_S = -1  # every token is now past its age
    root = harvest(verb="ListIdentifiers", resumptionToken=good)
    assert error_code(root) == "badResumptionToken"
    assert "expired" in root.findtext(f"{OAI}error")


# --- lists, paging, deleted records ------------------------------------------------------------------------------


def walk(harvest, host=ATHENS, **arguments) -> tuple[list[str], list[tuple[str, str]]]:
    """Every identifier of a list, following its tokens; and each page's (cursor, completeListSize)."""
    verb = arguments["verb"]
    root = harvest(host, **arguments)
    found, tokens = [], []
    while True:
        assert error_code(root) is None, tostring(root)
        found += [e.text for e in root.iter(f"{OAI}header/{OAI}identifier")] or []
        found += [e.text for e in root.iter(f"{OAI}identifier") if e.text not in found]
        token = root.find(f"{OAI}{verb}/{OAI}resumptionToken")
        if token is None:
            return found, tokens
        tokens.append((token.get("cursor"), token.get("completeListSize")))
        if not token.text:
            return found, tokens
        assert token.get("expirationDate", "").endswith("Z")
        root = harvest(host, verb=verb, resumptionToken=token.text)


def test_paging_across_pages_with_from_until_and_set_keyset_in_datestamp_order(harvest, settings, athens):
    settings.OAI_PAGE_SIZE = 2
    collection = ArchiveCollectionFactory(slug="plates")
    base = dt.datetime(2010, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
    items = []
    for number in range(9):
        item = ArchiveItemFactory(dc=FULL, collections=[collection] if number != 4 else [])
        # two items share each second (6 and 7 the same microsecond): the order goes on by id within it
        stamp(item, base + dt.timedelta(seconds=number // 2, microseconds=0 if number in (6, 7) else number))
        items.append(item)
    outside = ArchiveItemFactory(dc=FULL, collections=[collection])
    stamp(outside, base + dt.timedelta(days=3))
    arguments = {"metadataPrefix": "oai_dc", "set": f"{athens.slug}:plates"}
    until = (base + dt.timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%SZ")  # the second of items 6 and 7, included
    found, tokens = walk(harvest, verb="ListRecords", from_="2010-05-01T12:00:00Z", until=until, **arguments)
    expected = [oai_id(item) for number, item in enumerate(items) if number != 4 and number < 8]
    assert found == expected
    assert tokens == [("0", "7"), ("2", "7"), ("4", "7"), ("6", "7")]  # the last page has an empty token
    found, _tokens = walk(harvest, verb="ListIdentifiers", from_="2010-05-01", until="2010-05-01", **arguments)
    assert found == expected + [oai_id(items[8])]
    found, _tokens = walk(  # until: the demo's items (changed today) are in Athens' set too
        harvest,
        verb="ListIdentifiers",
        metadataPrefix="oai_dc",
        set=athens.slug,
        from_="2010-05-01",
        until="2010-05-05",
    )
    assert found == [oai_id(item) for item in items] + [oai_id(outside)]
    single = harvest(verb="ListRecords", metadataPrefix="oai_dc", from_="2010-05-04", until="2010-05-05")
    assert identifiers(single) == [oai_id(outside)]
    assert single.find(f"{OAI}ListRecords/{OAI}resumptionToken") is None  # a list of one page needs no token


def test_a_datestamp_is_updated_at_in_seconds(harvest):
    item = ArchiveItemFactory(dc=FULL)
    stamp(item, dt.datetime(2020, 1, 2, 3, 4, 5, 999999, tzinfo=dt.UTC))
    root = harvest(verb="GetRecord", identifier=oai_id(item), metadataPrefix="oai_dc")
    assert root.findtext(f"{OAI}GetRecord/{OAI}record/{OAI}header/{OAI}datestamp") == "2020-01-02T03:04:05Z"
    assert identifiers(
        harvest(
            verb="ListIdentifiers", metadataPrefix="oai_dc", from_="2020-01-02T03:04:05Z", until="2020-01-02T03:04:05Z"
        )
    ) == [oai_id(item)]
    later = harvest(
        verb="ListIdentifiers", metadataPrefix="oai_dc", from_="2020-01-02T03:04:06Z", until="2020-01-03T00:00:00Z"
    )
    assert error_code(later) == "noRecordsMatch"


def test_withdrawn_and_deleted_items_are_deleted_records_persistently(harvest, athens):
    collection = ArchiveCollectionFactory(slug="gone")
    withdrawn = ArchiveItemFactory(dc=FULL, collections=[collection])
    ArchiveItem.objects.filter(pk=withdrawn.pk).update(withdrawn=True)
    deleted = ArchiveItemFactory(dc=FULL, collections=[collection])
    uid = deleted.uid
    deleted.delete()
    tombstone = ArchiveItemDeletion.objects.get(uid=uid)
    assert tombstone.municipality == athens
    assert tombstone.set_specs == [athens.slug, f"{athens.slug}:gone"]
    assert not ArchiveValue.objects.filter(item_id=deleted.pk).exists()
    for item_uid in (withdrawn.uid, uid):
        root = harvest(verb="GetRecord", identifier=f"oai:{ATHENS}:{item_uid}", metadataPrefix="oai_dc")
        record = root.find(f"{OAI}GetRecord/{OAI}record")
        assert record.find(f"{OAI}header").get("status") == "deleted"
        assert record.find(f"{OAI}metadata") is None
        assert [e.text for e in record.iter(f"{OAI}setSpec")] == [athens.slug, f"{athens.slug}:gone"]
        root = harvest(verb="GetRecord", identifier=f"oai:{ATHENS}:{item_uid}", metadataPrefix="edm")
        assert root.find(f"{OAI}GetRecord/{OAI}record/{OAI}header").get("status") == "deleted"
    found, _tokens = walk(harvest, verb="ListRecords", metadataPrefix="oai_dc", set=f"{athens.slug}:gone")
    assert found == [f"oai:{ATHENS}:{withdrawn.uid}", f"oai:{ATHENS}:{uid}"]
    assert oai_id(withdrawn) in identifiers(harvest(verb="ListIdentifiers", metadataPrefix="edm"))
    assert f"oai:{ATHENS}:{uid}" in identifiers(harvest(verb="ListIdentifiers", metadataPrefix="edm"))


def test_another_municipalitys_items_never_appear(harvest, nafplio):
    ours = [ArchiveItemFactory(dc=FULL) for _ in range(3)]
    theirs = [ArchiveItemFactory(municipality=nafplio, dc=FULL) for _ in range(3)]
    theirs[0].delete()
    athens_list = walk(harvest, verb="ListIdentifiers", metadataPrefix="oai_dc")[0]
    nafplio_list = walk(harvest, NAFPLIO, verb="ListIdentifiers", metadataPrefix="oai_dc")[0]
    assert {oai_id(item) for item in ours} <= set(athens_list)
    assert not {str(item.uid) for item in theirs} & {identifier.rsplit(":", 1)[1] for identifier in athens_list}
    assert {str(item.uid) for item in ours}.isdisjoint({i.rsplit(":", 1)[1] for i in nafplio_list})
    nafplios = [*ArchiveItem.objects.filter(municipality=nafplio), theirs[0]]  # the demo's items too; one deleted
    assert set(nafplio_list) == {oai_id(item, NAFPLIO) for item in nafplios}


# --- metadata ------------------------------------------------------------------------------------------------


def test_oai_dc_has_all_fifteen_elements_with_their_languages(harvest):
    item = ArchiveItemFactory(dc=FULL)
    root = harvest(verb="GetRecord", identifier=oai_id(item), metadataPrefix="oai_dc")
    dc = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata/{OAI_DC}dc")
    assert {child.tag.split("}")[1] for child in dc} == set(DC_ELEMENTS)
    assert sorted(dc_values(dc)) == sorted(FULL)  # read back by the importers' own reader: the same values


def test_edm_record_is_a_provided_cho_and_an_aggregation_read_back_by_our_edm_reader(
    harvest, tmp_path, athens, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    place = PlaceFactory(location=Point(23.7348, 37.9755, srid=4326), name_el="Σύνταγμα", name_en="Syntagma")
    item = ArchiveItemFactory(dc=FULL, places=[place])
    ArchiveItem.objects.filter(pk=item.pk).update(location=Point(23.73, 37.97, srid=4326))
    picture = Image.objects.create(
        title="syntagma",
        file=ImageFile(io.BytesIO(jpeg_bytes(900, 600)), name="syntagma.jpg"),
        collection=Collection.objects.get(name="Athens", depth=2),
    )
    with django_capture_on_commit_callbacks(execute=True):  # the tiling task, for real
        shown = ArchiveItemImage.objects.create(item=item, image=picture, alt_el="Η πλατεία")
    root = harvest(verb="GetRecord", identifier=oai_id(item), metadataPrefix="edm")
    rdf = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata/{RDF}RDF")
    cho, aggregation = rdf.find(f"{EDM}ProvidedCHO"), rdf.find(f"{ORE}Aggregation")
    page = f"http://{ATHENS}/el/archive/{item.uid}/"
    assert cho.findtext(f"{EDM}type") == "IMAGE"
    assert aggregation.find(f"{EDM}aggregatedCHO").get(f"{RDF}resource") == cho.get(f"{RDF}about")
    assert aggregation.find(f"{EDM}isShownAt").get(f"{RDF}resource") == page
    # the digital object: the whole image of its IIIF service, which answers, described as Europeana's IIIF profile
    service = f"http://{ATHENS}/iiif/{shown.pk}"
    shown_by = f"{service}/full/max/0/default.jpg"
    assert aggregation.find(f"{EDM}isShownBy").get(f"{RDF}resource") == shown_by
    assert aggregation.find(f"{EDM}object").get(f"{RDF}resource") == shown_by
    (resource,) = rdf.findall(f"{EDM}WebResource")
    assert resource.get(f"{RDF}about") == shown_by
    assert resource.find("{http://rdfs.org/sioc/services#}has_service").get(f"{RDF}resource") == service
    assert rdf.find("{http://rdfs.org/sioc/services#}Service").get(f"{RDF}about") == service
    client = Client()
    picture_answer = client.get(f"/iiif/{shown.pk}/full/max/0/default.jpg", HTTP_HOST=ATHENS)
    assert (picture_answer.status_code, picture_answer["Content-Type"]) == (200, "image/jpeg")
    assert client.get(f"/iiif/{shown.pk}/info.json", HTTP_HOST=ATHENS).json()["id"] == service
    manifest = resource.find("{http://purl.org/dc/terms/}isReferencedBy").get(f"{RDF}resource")
    assert client.get(manifest.removeprefix(f"http://{ATHENS}"), HTTP_HOST=ATHENS).status_code == 200
    assert aggregation.find(f"{EDM}rights").get(f"{RDF}resource") == "http://creativecommons.org/licenses/by-sa/4.0/"
    assert aggregation.findtext(f"{EDM}dataProvider") == athens.name_el
    assert aggregation.findtext(f"{EDM}provider")
    places = {p.get(f"{RDF}about"): p for p in rdf.findall(f"{EDM}Place")}
    spatial = [s.get(f"{RDF}resource") for s in cho.findall("{http://purl.org/dc/terms/}spatial")]
    assert set(spatial) == set(places) and len(places) == 2
    located = places[f"http://{ATHENS}/#place-{place.uid}"]
    assert (located.findtext(f"{WGS84}lat"), located.findtext(f"{WGS84}long")) == ("37.975500", "23.734800")
    # what a valid Europeana record has on its aggregation and CHO, ours has too
    valid = fromstring(EDM_VALID.read_bytes())
    for tag, ours in ((f"{ORE}Aggregation", aggregation), (f"{EDM}ProvidedCHO", cho)):
        required = {child.tag for child in valid.find(tag)} & {
            f"{EDM}aggregatedCHO",
            f"{EDM}dataProvider",
            f"{EDM}provider",
            f"{EDM}isShownAt",
            f"{EDM}rights",
            f"{EDM}type",
            f"{DC}title",
            f"{DC}type",
            f"{DC}subject",
        }
        assert required <= {child.tag for child in ours}, tag
    # round trip through the importers' EDM reader (importers.readers.dc)
    path = tmp_path / "record.xml"
    path.write_bytes(tostring(rdf, encoding="utf-8"))
    (read,) = list(XmlSource(path=path, shown="record.xml").records())
    assert read.source_id == cho.get(f"{RDF}about")
    stored = [value for value in FULL if value[0] != "rights"]
    assert sorted(read.values) == sorted(
        [*stored, ("type", "IMAGE", ""), ("rights", "http://creativecommons.org/licenses/by-sa/4.0/", "")]
    )
    (valid_read,) = list(XmlSource(path=EDM_VALID, shown="valid.xml").records())  # the same reader reads both
    assert {element for element, _v, _l in valid_read.values} >= {"title", "type", "rights"}


def test_edm_lists_an_items_public_audio_and_video_as_web_resources(harvest, settings, tmp_path):
    """Each medium of a collection open to everyone is an edm:hasView of the aggregation and an edm:WebResource with
    its type and rights; one of a restricted collection is left out (a harvester could not fetch it)."""
    from django.core.files.base import ContentFile
    from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction
    from wagtailmedia.models import Media

    from gis.models import ArchiveItemMedia
    from tests.archive import wav_bytes

    settings.MEDIA_ROOT = tmp_path
    athens_collection = Collection.objects.get(name="Athens")
    internal = athens_collection.add_child(name="Athens: internal")
    CollectionViewRestriction.objects.create(collection=internal, restriction_type=BaseViewRestriction.LOGIN)
    item = ArchiveItemFactory(dc=FULL)
    for sort_order, (title, collection) in enumerate([("tragoudi", athens_collection), ("kleisto", internal)]):
        medium = Media.objects.create(
            title=title, file=ContentFile(wav_bytes(0.1), name=f"{title}.wav"), type="audio", collection=collection
        )
        ArchiveItemMedia.objects.create(item=item, media=medium, sort_order=sort_order)
    url = f"http://{ATHENS}/media/media/tragoudi.wav"

    def record():
        root = harvest(verb="GetRecord", identifier=oai_id(item), metadataPrefix="edm")
        rdf = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata/{RDF}RDF")
        aggregation = rdf.find(f"{ORE}Aggregation")
        views = [view.get(f"{RDF}resource") for view in aggregation.findall(f"{EDM}hasView")]
        resources = {resource.get(f"{RDF}about"): resource for resource in rdf.findall(f"{EDM}WebResource")}
        return aggregation.find(f"{EDM}isShownBy").get(f"{RDF}resource"), views, resources

    # no zoomable image: the public sound file is the item's digital object (and the item is in EDM lists)
    shown_by, views, resources = record()
    assert (shown_by, views, list(resources)) == (url, [], [url])
    assert oai_id(item) in walk(harvest, verb="ListIdentifiers", metadataPrefix="edm")[0]
    # with an image: the image is shown by, the file a further view
    viewable(item)
    shown_by, views, resources = record()
    assert shown_by.endswith("/full/max/0/default.jpg") and views == [url] and set(resources) == {shown_by, url}
    resource = resources[url]
    assert resource.findtext(f"{DC}format") == "audio/x-wav"
    assert resource.find(f"{EDM}rights").get(f"{RDF}resource") == item.rights
    assert Client().get("/media/media/tragoudi.wav").status_code == 200  # what it names can be fetched


def test_edm_lists_offer_only_items_edm_can_describe(harvest, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    settings.OAI_PAGE_SIZE = 2
    ready = viewable(*[ArchiveItemFactory(dc=FULL) for _ in range(3)])
    lacking = [
        *viewable(ArchiveItemFactory(dc=[("title", "Χωρίς άδεια", "el"), ("type", "Image", "")])),
        *viewable(ArchiveItemFactory(dc=[("title", "Σύνολο", "el"), ("type", "Dataset", ""), FULL[-1]])),
        ArchiveItemFactory(dc=FULL),  # no image: nothing for edm:isShownBy
    ]
    from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction
    from wagtailmedia.models import Media

    from gis.models import ArchiveItemMedia
    from tests.archive import wav_bytes

    hidden = Collection.objects.get(name="Athens").add_child(name="Athens: closed")
    CollectionViewRestriction.objects.create(collection=hidden, restriction_type=BaseViewRestriction.LOGIN)
    closed = ArchiveItemFactory(dc=FULL)  # its only file is in a collection a harvester cannot open
    medium = Media.objects.create(
        title="closed", file=ContentFile(wav_bytes(0.1), name="closed.wav"), type="audio", collection=hidden
    )
    ArchiveItemMedia.objects.create(item=closed, media=medium)
    lacking.append(closed)
    pending = ArchiveItemFactory(dc=FULL)  # its image's tile set is not made yet
    viewable(pending)
    ArchiveItemImage.objects.filter(item=pending).update(tiles_state=TilesState.PENDING)
    lacking.append(pending)
    edm_list = walk(harvest, verb="ListRecords", metadataPrefix="edm")[0]
    dc_list = walk(harvest, verb="ListRecords", metadataPrefix="oai_dc")[0]
    assert {oai_id(item) for item in ready} <= set(edm_list)
    assert not {oai_id(item) for item in lacking} & set(edm_list)
    assert {oai_id(item) for item in ready + lacking} <= set(dc_list)


def test_the_oai_namespace_stays_the_default_after_another_writer_took_it(client):
    from xml.etree.ElementTree import register_namespace

    register_namespace("", "http://www.opengis.net/kml/2.2")  # as gis.route_formats' KML writer does
    response = client.get("/oai", {"verb": "Identify"}, HTTP_HOST=ATHENS)
    assert b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"' in response.content
