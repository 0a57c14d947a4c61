"""Benchmark: harvesting 10,000 ``oai_dc`` records from a local OAI-PMH endpoint, our ``importers.oai.list_records``
against sickle's plain ``ListRecords`` iteration (the floor: a well-known client with none of our checks), in the
same run, over the same endpoint.

Not part of the test suite; it decides nothing. The endpoint is made here: a threaded ``http.server`` on 127.0.0.1
(a random port, HTTP/1.0, so each request is a new connection for both clients) serving N records (10,000 by
default) in pages of 100 with resumption tokens. The records are **generated from the 81 real records** of
``tests/importers/data/oai/fake2/00002.xml`` (pyoai's test data, DSpace at Erasmus University Rotterdam, BSD): record
i is real record ``i % 81`` (its full ``oai_dc`` metadata, deleted ones without) with the identifier
``oai:bench:<i>`` and a datestamp one second after the one before. Every page is rendered once before timing, so
the server's cost is the same small one for both clients.

  ours    ``list_records(url)``: httpx, the SSRF check of the host, the streamed size cap, defusedxml, every
          record's header read and its metadata element kept (the whole harvester as a harvest runs it).
  sickle  ``Sickle(url).ListRecords(metadataPrefix="oai_dc")``: requests, lxml, each record's header and its
          metadata read into a dict (sickle's default iteration).

Each side runs --repeat times (default 3), alternating; the medians of records/s are printed with the ratio
ours / sickle (target >= 1.0).

    .venv/bin/python bench/harvest_vs_sickle.py [--records 10000] [--page 100] [--repeat 3]
"""

import argparse
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT))
SOURCE = ROOT / "tests" / "importers" / "data" / "oai" / "fake2" / "00002.xml"  # from shared/data/archive/oai
NS = "http://www.openarchives.org/OAI/2.0/"
Q = "{" + NS + "}"


def pages_made(*, records: int, page: int) -> dict[str, bytes]:
    """The endpoint's answers by resumption token ("" for the first page): N records generated from the 81 real
    ones (see the module), ``page`` per answer."""
    from defusedxml.ElementTree import fromstring

    for prefix, uri in {"": NS, "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/"}.items():
        register_namespace(prefix, uri)
    register_namespace("dc", "http://purl.org/dc/elements/1.1/")
    real = fromstring(SOURCE.read_bytes()).findall(f"{Q}ListRecords/{Q}record")
    start = time.mktime((2004, 1, 1, 0, 0, 0, 0, 0, 0))
    answers: dict[str, bytes] = {}
    for offset in range(0, records, page):
        root = Element(f"{Q}OAI-PMH")
        SubElement(root, f"{Q}responseDate").text = "2004-02-17T13:44:55Z"
        SubElement(root, f"{Q}request", {"verb": "ListRecords"}).text = "http://bench.invalid/oai"
        listing = SubElement(root, f"{Q}ListRecords")
        for i in range(offset, min(offset + page, records)):
            source = real[i % len(real)]
            record = SubElement(listing, f"{Q}record")
            header = SubElement(record, f"{Q}header", dict(source.find(f"{Q}header").attrib))
            SubElement(header, f"{Q}identifier").text = f"oai:bench:{i}"
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i))
            SubElement(header, f"{Q}datestamp").text = stamp
            for spec in source.findall(f"{Q}header/{Q}setSpec"):
                SubElement(header, f"{Q}setSpec").text = spec.text
            metadata = source.find(f"{Q}metadata")
            if metadata is not None:
                record.append(metadata)
        token = SubElement(listing, f"{Q}resumptionToken", cursor=str(offset), completeListSize=str(records))
        if offset + page < records:
            token.text = f"at-{offset + page}"
        answers["" if offset == 0 else f"at-{offset}"] = tostring(root, encoding="utf-8", xml_declaration=True)
    return answers


def serve(answers: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    """The endpoint, started; returns the server and its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

        def do_GET(self) -> None:  # noqa: N802
            params = dict(parse_qsl(urlsplit(self.path).query))
            body = answers.get(params.get("resumptionToken", ""))
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/oai"


def ours(url: str) -> int:
    """Records harvested by importers.oai."""
    from importers.oai import list_records

    count = 0
    for page in list_records(url):
        for record in page.records:
            count += bool(record.identifier) and (record.deleted or record.metadata is not None)
    return count


def sickle(url: str) -> int:
    """Records harvested by sickle's plain iteration."""
    from sickle import Sickle

    return sum(bool(record.header.identifier) for record in Sickle(url).ListRecords(metadataPrefix="oai_dc"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django
    from django.conf import settings

    os.environ.setdefault("SECRET_KEY", "bench")
    settings.configure(HARVEST_ALLOWED_HOSTS=["127.0.0.1"], USE_I18N=False, LOGGING_CONFIG=None)
    django.setup()

    answers = pages_made(records=args.records, page=args.page)
    httpd, url = serve(answers)
    size_mb = sum(map(len, answers.values())) / 1e6
    print(
        f"endpoint {url}: {args.records:,} records (the 81 real ones over and over, new identifiers and datestamps), "
        f"{len(answers)} pages of {args.page}, {size_mb:.1f} MB of XML"
    )
    rates: dict[str, list[float]] = {"ours": [], "sickle": []}
    try:
        import sickle as _sickle  # noqa: F401

        import importers.oai  # noqa: F401  (either side's imports are not timed)

        for _run in range(args.repeat):
            for name, harvest in (("ours", ours), ("sickle", sickle)):
                started = time.perf_counter()
                count = harvest(url)
                seconds = time.perf_counter() - started
                if count != args.records:
                    raise SystemExit(f"{name} harvested {count} records, not {args.records}")
                rates[name].append(count / seconds)
                print(f"  {name:7} {count:,} records in {seconds:.2f} s = {count / seconds:,.0f} records/s")
    finally:
        httpd.shutdown()
    mine, floor = statistics.median(rates["ours"]), statistics.median(rates["sickle"])
    print(
        f"median records/s: ours {mine:,.0f}, sickle {floor:,.0f}; ratio ours/sickle {mine / floor:.2f} (target >= 1.0)"
    )


if __name__ == "__main__":
    main()
