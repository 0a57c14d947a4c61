"""The OAI-PMH harvester (importers/oai.py) and its resumable loop (importers/harvest.py), against a local server
(tests/importers/oai_server.py) that serves the real answers in tests/importers/data/oai (copied from
shared/data/archive/oai) and pages them."""

import datetime
import os
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xmlschema
from defusedxml.ElementTree import fromstring
from django.db import connection
from sickle import Sickle

from gis.models import Municipality
from importers.harvest import HarvestConflict, datestamp_at, harvest
from importers.models import HarvestSource
from importers.oai import (
    HarvestLimits,
    HarvestRefused,
    HarvestResponseError,
    OAIClient,
    OAIError,
    identify,
    list_records,
    list_sets,
)
from tests.factories import DatasetFactory
from tests.importers.oai_server import OAI_DATA, OAI_ERROR_CODES, OAI_XSD, OAIServer, Q

FROM_FAKE2 = "2004-01-01T00:00:00Z"  # fake2/mapping.txt's ListRecords (81 records)
FROM_FAKE1 = "2003-04-10T00:00:00Z"  # fake1/mapping.txt's ListRecords (16 records)
QUICK = HarvestLimits(timeout_s=0.5, retries=1, backoff_s=0.01, max_bytes=1024 * 1024)


def file_records(path: Path) -> list[tuple[str, str, bool]]:
    """(identifier, datestamp, deleted) of each record of a real ListRecords file, in order, read apart from ours."""
    root = fromstring(path.read_bytes())
    return [
        (
            header.findtext(f"{Q}identifier"),
            header.findtext(f"{Q}datestamp"),
            header.get("status") == "deleted",
        )
        for header in root.iterfind(f"{Q}ListRecords/{Q}record/{Q}header")
    ]


def response_date(path: Path) -> str:
    """The responseDate of a real answer."""
    return fromstring(path.read_bytes()).findtext(f"{Q}responseDate")


# --- the client ------------------------------------------------------------------------------------------------
def test_paging_by_token_gives_all_81_records_in_order_once(oai_server):
    pages = list(list_records(oai_server.base("fake2"), from_=FROM_FAKE2))
    expected = file_records(OAI_DATA / "fake2" / "00002.xml")
    got = [(record.identifier, record.datestamp, record.deleted) for page in pages for record in page.records]
    assert len(expected) == 81
    assert got == expected
    assert [len(page.records) for page in pages] == [25, 25, 25, 6]
    assert [page.cursor for page in pages] == [0, 25, 50, 75]
    assert {page.complete_list_size for page in pages} == {81}
    assert pages[-1].resumption_token is None and all(page.resumption_token for page in pages[:-1])
    # each page after the first was asked with the token of the one before, and nothing else
    for before, page in zip(pages, pages[1:], strict=False):
        assert page.url.endswith(f"?verb=ListRecords&resumptionToken={before.resumption_token}")
    assert "from=2004-01-01T00%3A00%3A00Z" in pages[0].url and "metadataPrefix=oai_dc" in pages[0].url


def test_the_metadata_comes_as_the_element_it_was(oai_server):
    page = next(list_records(oai_server.base("fake1"), from_=FROM_FAKE1))
    assert len(page.records) == 16 and page.resumption_token is None  # fake1's real answer, as it is
    record = page.records[0]
    assert record.identifier == "hdl:1765/308" and record.set_specs == ("1:2",)
    assert record.metadata is not None and record.metadata.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    assert record.metadata.findtext("{http://purl.org/dc/elements/1.1/}contributor") == "Smidts, A."
    assert fromstring(record.metadata_bytes).tag == record.metadata.tag


def test_deleted_records_come_through(oai_server):
    records = [record for page in list_records(oai_server.base("fake2"), from_=FROM_FAKE2) for record in page.records]
    deleted = [record for record in records if record.deleted]
    expected = [identifier for identifier, _date, gone in file_records(OAI_DATA / "fake2" / "00002.xml") if gone]
    assert len(expected) == 2
    assert [record.identifier for record in deleted] == expected
    assert all(record.metadata is None and record.metadata_bytes is None for record in deleted)


def test_from_until_and_set_choose_the_records(oai_server):
    pages = list(list_records(oai_server.base("fake2"), set_spec="1", from_="2004-01-10", until="2004-01-20"))
    records = [record for page in pages for record in page.records]
    assert records, "the window holds records"
    assert all("2004-01-10" <= record.datestamp[:10] <= "2004-01-20" for record in records)
    assert all(any(spec == "1" or spec.startswith("1:") for spec in record.set_specs) for record in records)
    every = [record for page in list_records(oai_server.base("fake2"), from_=FROM_FAKE2) for record in page.records]
    assert len(records) < len(every)


def test_identify_and_list_sets(oai_server):
    about = identify(oai_server.base("fake1"))
    assert about.repository_name == "Erasmus University : Research Online"
    assert about.granularity == "YYYY-MM-DDThh:mm:ssZ" and about.deleted_record == "no"
    sets = list_sets(oai_server.base("fake1"))
    assert len(sets) == 10 and sets[0].spec == "3" and sets[1].name == "EUR Medical Dissertations"


def test_no_records_match_is_an_empty_result(oai_server):
    pages = list(list_records(oai_server.base("fake2"), from_="2030-01-01"))
    assert len(pages) == 1 and pages[0].records == [] and pages[0].resumption_token is None


@pytest.mark.parametrize("code", [code for code in OAI_ERROR_CODES if code != "noRecordsMatch"])
def test_each_oai_error_raises_with_its_code_message_and_page(oai_server, code):
    with pytest.raises(OAIError) as caught:
        list(list_records(oai_server.base(f"error/{code}")))
    assert caught.value.code == code and caught.value.oai_message == "made up by the test server"
    assert caught.value.url == f"{oai_server.base(f'error/{code}')}?verb=ListRecords&metadataPrefix=oai_dc"
    assert caught.value.url in str(caught.value) and code in str(caught.value)


def test_a_repository_s_own_errors(oai_server):
    with pytest.raises(OAIError) as caught:
        list(list_records(oai_server.base("fake2"), resumption_token="expired-long-ago"))
    assert caught.value.code == "badResumptionToken" and "resumptionToken=expired-long-ago" in caught.value.url
    with pytest.raises(OAIError) as caught:
        list(list_records(oai_server.base("fake2"), metadata_prefix="edm"))
    assert caught.value.code == "cannotDisseminateFormat"


def test_a_bad_token_is_reported_with_the_page_it_came_on(oai_server):
    """The list breaks off mid-way (the server forgets its tokens): the error names page 2's URL."""
    pages = list_records(oai_server.base("fake2"), from_=FROM_FAKE2)
    first = next(pages)
    oai_server.tokens.clear()
    with pytest.raises(OAIError) as caught:
        next(pages)
    assert caught.value.code == "badResumptionToken"
    assert caught.value.url.endswith(f"resumptionToken={first.resumption_token}")


# --- hostile answers -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("html", "the answer is an HTML page, not OAI-PMH XML"),
        ("html-as-xml", "the answer is an HTML page, not OAI-PMH XML"),
        ("not-oai", "the answer is XML but not OAI-PMH (its root element is rss)"),
        ("broken", "the answer is not well-formed XML"),
        ("bomb", "XML with a DTD or entity declarations is not read (DTDForbidden)"),
        ("xxe", "XML with a DTD or entity declarations is not read (DTDForbidden)"),
        ("500", "the server answered HTTP 500"),
        ("slow", "no answer within 0.5 s"),
        ("big", "the answer is larger than the limit of 1,048,576 bytes"),
        ("big-declared", "the answer is larger than the limit of 1,048,576 bytes"),
        ("nowhere", "the server answered HTTP 404"),
    ],
)
def test_each_hostile_answer_gives_its_clear_error(oai_server, path, message):
    oai_server.slow_s = 1.5
    with pytest.raises(HarvestResponseError) as caught, OAIClient(oai_server.base(path), limits=QUICK) as client:
        client.identify()
    assert str(caught.value).startswith(f"{oai_server.base(path)}?verb=Identify: {message}")


def test_an_answer_dripping_bytes_is_dropped_at_the_deadline(oai_server):
    limits = HarvestLimits(timeout_s=0.5, max_seconds=0.6, retries=0)
    started = time.monotonic()
    with pytest.raises(HarvestResponseError) as caught, OAIClient(oai_server.base("drip"), limits=limits) as client:
        client.identify()
    assert str(caught.value) == f"{oai_server.base('drip')}?verb=Identify: the answer took longer than 0.6 s"
    assert time.monotonic() - started < 3  # each byte came within the read timeout: only the deadline stopped it


def test_5xx_and_timeouts_are_retried_with_exponential_backoff(oai_server):
    waits: list[float] = []
    limits = HarvestLimits(retries=3, backoff_s=0.01)
    with (
        pytest.raises(HarvestResponseError, match=r"the server answered HTTP 500 \(tried 4 times\)$"),
        OAIClient(oai_server.base("500"), limits=limits, sleep=waits.append) as client,
    ):
        client.identify()
    assert waits == [0.01, 0.02, 0.04] and oai_server.hits["500"] == 4
    with pytest.raises(HarvestResponseError), OAIClient(oai_server.base("slow"), limits=QUICK) as client:
        client.identify()
    assert oai_server.hits["slow"] == 2  # the first try and one retry


def test_a_503_s_retry_after_is_honoured(oai_server):
    started = time.monotonic()
    about = identify(oai_server.base("503"), limits=HarvestLimits(backoff_s=0.01))
    assert time.monotonic() - started >= 1.0  # Retry-After: 1, not the 0.01 s backoff
    assert about.repository_name == "Erasmus University : Research Online" and oai_server.hits["503"] == 2


# --- server-side request forgery -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/oai",
        "http://192.168.1.10/oai",
        "http://169.254.169.254/latest/meta-data/",
        "http://224.0.0.1/oai",
        "http://240.0.0.1/oai",
        "http://0.0.0.0/oai",
        "http://[::1]/oai",
        "http://[fe80::1]/oai",
        "http://[fc00::1]/oai",
        "http://[ff02::1]/oai",
        "http://[::ffff:127.0.0.1]/oai",
        "http://localhost/oai",  # resolves to loopback; only 127.0.0.1 is listed in the test settings
    ],
)
def test_a_non_public_address_is_refused(url):
    with pytest.raises(HarvestRefused, match="resolves to a private, loopback, link-local, multicast or reserved"):
        identify(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://ftp.example.org/oai", "gopher://127.0.0.1/"])
def test_only_http_and_https(url):
    with pytest.raises(HarvestRefused, match="only http and https URLs are harvested"):
        identify(url)


def test_127_0_0_1_is_harvested_only_because_the_test_settings_list_it(oai_server, settings):
    assert identify(oai_server.base("fake1")).granularity == "YYYY-MM-DDThh:mm:ssZ"
    settings.HARVEST_ALLOWED_HOSTS = []
    with pytest.raises(HarvestRefused, match=r"127\.0\.0\.1 resolves to .* list it in HARVEST_ALLOWED_HOSTS"):
        identify(oai_server.base("fake1"))
    assert oai_server.hits["fake1"] == 1  # the refused request never reached the server


def test_a_listed_host_name_is_harvested_at_its_checked_address(oai_server, settings):
    """The connection goes to the address that was checked; the Host header names the host as written."""
    settings.HARVEST_ALLOWED_HOSTS = ["localhost"]
    port = oai_server.url.rsplit(":", 1)[1]
    assert identify(f"http://localhost:{port}/fake1").repository_name.startswith("Erasmus")
    assert oai_server.hosts[-1] == f"localhost:{port}"
    with pytest.raises(HarvestRefused):  # 127.0.0.1 itself is no longer listed
        identify(oai_server.base("fake1"))


def certificate_for_localhost(folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A throw-away CA and a server certificate for the name ``localhost`` only (no IP address in it): the server's
    TLS context and a client context that trusts that CA alone."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def made(subject: str, issuer: x509.Name | None, signer, *, ca: bool):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer or name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        return key, builder.sign(signer or key, hashes.SHA256())

    ca_key, ca_cert = made("Xenagos test CA", None, None, ca=True)
    key, cert = made("localhost", ca_cert.subject, ca_key, ca=False)
    (folder / "server.pem").write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(folder / "server.pem")
    client = ssl.create_default_context(cadata=ca_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))
    return server, client


def test_https_is_verified_against_the_host_name_while_connecting_to_the_checked_address(tmp_path, settings):
    """The connection goes to 127.0.0.1, the certificate names only ``localhost``: it verifies because the TLS
    server name is the URL's host, and fails for a host the certificate does not name."""
    server_tls, client_tls = certificate_for_localhost(tmp_path)
    settings.HARVEST_ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    with OAIServer(tls=server_tls).running() as server:
        port = server.url.rsplit(":", 1)[1]
        with OAIClient(f"https://localhost:{port}/fake1", verify=client_tls) as client:
            assert client.identify().repository_name.startswith("Erasmus")
        with (
            pytest.raises(HarvestResponseError, match="could not connect .*certificate verify failed"),
            OAIClient(f"https://127.0.0.1:{port}/fake1", verify=client_tls, limits=QUICK) as client,
        ):
            client.identify()
    assert server.hosts[0] == f"localhost:{port}"


@pytest.mark.parametrize("target", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/"])
def test_a_redirect_to_a_private_address_is_refused(oai_server, target):
    start = f"{oai_server.url}/redirect?to={target}"
    with pytest.raises(HarvestRefused) as caught:
        identify(start)
    assert caught.value.url == f"{target}?verb=Identify"  # the redirect keeps the query
    assert "redirected to it from" in str(caught.value) and "/redirect?to=" in str(caught.value)


def test_redirects_are_followed_each_checked_and_counted(oai_server):
    assert identify(f"{oai_server.url}/redirect?to=/fake1").repository_name.startswith("Erasmus")
    with pytest.raises(HarvestRefused, match="only http and https"):
        identify(f"{oai_server.url}/redirect?to=file:///etc/passwd")
    with pytest.raises(HarvestResponseError, match="more than 5 redirects"):
        identify(oai_server.base("loop"))
    assert oai_server.hits["loop"] == 6  # the first request and five redirects


def test_the_setting_is_read_from_the_environment():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xenagos.settings.base", "SECRET_KEY": "x"}
    env["HARVEST_ALLOWED_HOSTS"] = "oai.example.org, 10.1.2.3"
    code = "import django; django.setup(); from django.conf import settings; print(settings.HARVEST_ALLOWED_HOSTS)"
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "['oai.example.org', '10.1.2.3']"
    del env["HARVEST_ALLOWED_HOSTS"]
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


# --- the resumable loop ----------------------------------------------------------------------------------------
@pytest.fixture
def source_of():
    """A harvest source of Athens (the demo's) for a repository of the server."""

    def make(base_url: str, **fields) -> HarvestSource:
        athens = Municipality.objects.get(code="9186")
        return HarvestSource.objects.create(municipality=athens, dataset=DatasetFactory(), base_url=base_url, **fields)

    return make


@pytest.fixture
def probe():
    """A table that apply_page writes harvested identifiers to (a primary key: a page applied twice fails)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE harvest_probe (identifier text PRIMARY KEY, deleted boolean NOT NULL)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS harvest_probe")


def probe_write(records) -> None:
    """apply_page: each record into the probe."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO harvest_probe (identifier, deleted) VALUES (%s, %s)",
            [(record.identifier, record.deleted) for record in records],
        )


def probe_rows() -> list[str]:
    """The identifiers in the probe."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT identifier FROM harvest_probe")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_harvest_keeps_pages_1_2_and_resumes_at_page_3(oai_server, source_of, probe):
    source = source_of(oai_server.base("fake2"), last_datestamp=FROM_FAKE2)
    tokens: list[str | None] = []

    def crash_on_page_3(records) -> None:
        probe_write(records)  # page 3 is written, then the crash: its transaction must take it back
        if len(tokens) == 2:
            raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError, match="the worker died"):
        harvest(source, apply_page=crash_on_page_3, progress=lambda page, _source: tokens.append(page.resumption_token))
    expected = [identifier for identifier, _date, _gone in file_records(OAI_DATA / "fake2" / "00002.xml")]
    assert sorted(probe_rows()) == sorted(expected[:50])
    stored = HarvestSource.objects.get(pk=source.pk)
    assert stored.resumption_token == tokens[1] and stored.pages_done == 2 and stored.records_done == 50
    assert stored.cursor == 25 and stored.complete_list_size == 81
    assert stored.last_datestamp == FROM_FAKE2  # unfinished: the incremental date is not moved yet
    assert stored.last_error == "RuntimeError: the worker died"
    assert stored.unfinished

    asked = len(oai_server.requests)
    outcome = harvest(stored, apply_page=probe_write)
    assert outcome.resumed and outcome.finished and outcome.pages == 2 and outcome.records == 31
    assert oai_server.requests[asked] == ("fake2", {"verb": "ListRecords", "resumptionToken": tokens[1]})
    assert sorted(probe_rows()) == sorted(expected)  # each once (a primary key), pages 3 and 4 added
    stored.refresh_from_db()
    assert stored.resumption_token == "" and stored.last_error == "" and stored.pages_done == 4
    assert stored.last_datestamp == response_date(OAI_DATA / "fake2" / "00002.xml")


@pytest.mark.django_db
def test_an_incremental_from_harvest(oai_server, source_of, probe):
    source = source_of(oai_server.base("fake1"))
    outcome = harvest(source, apply_page=probe_write, from_=FROM_FAKE1)  # --from overrides: the first harvest
    assert outcome.finished and outcome.records == 16 and len(probe_rows()) == 16
    first_date = response_date(OAI_DATA / "fake1" / "00005.xml")
    assert source.last_datestamp == first_date and outcome.datestamp == first_date
    assert HarvestSource.objects.get(pk=source.pk).last_datestamp == first_date

    oai_server.response_date = "2003-05-02T08:00:00Z"  # a week later: nothing new
    asked = len(oai_server.requests)
    again = harvest(source, apply_page=probe_write)
    listed = [params for _name, params in oai_server.requests[asked:] if params.get("verb") == "ListRecords"]
    assert listed == [{"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": first_date}]
    assert again.records == 0 and again.finished and len(probe_rows()) == 16
    assert HarvestSource.objects.get(pk=source.pk).last_datestamp == "2003-05-02T08:00:00Z"


@pytest.mark.django_db
def test_an_incremental_harvest_takes_only_what_changed_since(oai_server, source_of, probe):
    source = source_of(oai_server.base("fake2"), last_datestamp="2004-02-10T00:00:00Z", set_spec="1")
    outcome = harvest(source, apply_page=probe_write)
    expected = [
        identifier
        for identifier, datestamp, _gone in file_records(OAI_DATA / "fake2" / "00002.xml")
        if datestamp >= "2004-02-10T00:00:00Z"
    ]
    assert 0 < outcome.records < len(expected) < 81
    assert set(probe_rows()) < set(expected)  # the set "1" (and its subsets "1:...") only
    listed = [params for _name, params in oai_server.requests if params.get("verb") == "ListRecords"]
    assert listed[0] == {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "1", "from": "2004-02-10T00:00:00Z"}


@pytest.mark.django_db
def test_a_protocol_error_is_stored_on_the_source_and_nothing_is_applied(oai_server, source_of, probe):
    source = source_of(oai_server.base("fake2"), metadata_prefix="edm")
    with pytest.raises(OAIError, match="cannotDisseminateFormat"):
        harvest(source, apply_page=probe_write)
    stored = HarvestSource.objects.get(pk=source.pk)
    assert "cannotDisseminateFormat" in stored.last_error and oai_server.base("fake2") in stored.last_error
    assert probe_rows() == [] and stored.last_datestamp == "" and stored.resumption_token == ""


@pytest.mark.django_db
def test_a_second_harvest_of_the_same_source_at_once_stops_before_applying(oai_server, source_of, probe):
    """Another harvest (here: the row changed under this one after page 1) makes this one stop at page 2."""
    source = source_of(oai_server.base("fake2"), last_datestamp=FROM_FAKE2)

    def another_harvest_moves_on(page, _source) -> None:
        HarvestSource.objects.filter(pk=source.pk).update(resumption_token="theirs", pages_done=7)

    with pytest.raises(HarvestConflict, match="another harvest of this source has moved it on") as caught:
        harvest(source, apply_page=probe_write, progress=another_harvest_moves_on)
    assert caught.value.url.endswith("resumptionToken=page-1-at-25")
    assert len(probe_rows()) == 25  # page 1 only
    stored = HarvestSource.objects.get(pk=source.pk)
    assert stored.resumption_token == "theirs" and stored.pages_done == 7  # the other harvest's state, untouched
    assert "another harvest" in stored.last_error


@pytest.mark.django_db
def test_a_stale_token_is_reported_and_restart_starts_again_from_the_last_datestamp(oai_server, source_of, probe):
    source = source_of(oai_server.base("fake2"), last_datestamp=FROM_FAKE2, resumption_token="expired", pages_done=3)
    with pytest.raises(OAIError, match="badResumptionToken"):
        harvest(source, apply_page=probe_write)
    assert probe_rows() == [] and HarvestSource.objects.get(pk=source.pk).resumption_token == "expired"
    outcome = harvest(source, apply_page=probe_write, restart=True)
    assert not outcome.resumed and outcome.finished and outcome.records == 81 and len(probe_rows()) == 81
    source.refresh_from_db()
    assert source.resumption_token == "" and source.pages_done == 4 and source.last_error == ""


def test_the_datestamp_is_kept_at_the_repository_s_granularity():
    assert datestamp_at("2004-02-17T13:44:55Z", granularity="YYYY-MM-DDThh:mm:ssZ") == "2004-02-17T13:44:55Z"
    assert datestamp_at("2004-02-17T13:44:55Z", granularity="YYYY-MM-DD") == "2004-02-17"


# --- an independent client and the schema ---------------------------------------------------------------------
def test_sickle_harvesting_the_same_server_gives_the_same_identifiers(oai_server):
    ours = [
        record.identifier
        for page in list_records(oai_server.base("fake2"), from_=FROM_FAKE2)
        for record in page.records
    ]
    theirs = [
        record.header.identifier
        for record in Sickle(oai_server.base("fake2")).ListRecords(metadataPrefix="oai_dc", **{"from": FROM_FAKE2})
    ]
    assert len(theirs) == 81 and ours == theirs


def test_the_test_server_speaks_valid_oai_pmh(oai_server):
    schema = xmlschema.XMLSchema(str(OAI_XSD))
    with pytest.raises(xmlschema.XMLSchemaValidationError):  # the validator does refuse: fake1/00006 is invalid
        schema.validate(str(OAI_DATA / "fake1" / "00006.xml"))
    served_as_they_are = sorted(set(OAI_DATA.glob("fake*/0*.xml")) - {OAI_DATA / "fake1" / "00006.xml"})
    assert len(served_as_they_are) == 9
    for path in served_as_they_are:
        schema.validate(str(path))
    list(list_records(oai_server.base("fake2"), from_=FROM_FAKE2))
    list(list_records(oai_server.base("fake2"), from_="2030-01-01"))
    for code in OAI_ERROR_CODES:
        if code == "noRecordsMatch":
            assert list(list_records(oai_server.base(f"error/{code}")))[0].records == []
            continue
        with pytest.raises(OAIError):
            list(list_records(oai_server.base(f"error/{code}")))
    assert len(oai_server.made_up) == 4 + 1 + len(OAI_ERROR_CODES)
    for body in oai_server.made_up:
        schema.validate(body.decode("utf-8"))
