"""Tile archives on S3-compatible object storage through django-storages: sources and archives go to a bucket
and tiles are served from it. The S3 endpoint is moto's standalone server (an S3 protocol implementation) on a
local port: the project speaks real S3 HTTP to it through boto3, as it would to MinIO or AWS."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from tests.tiles.helpers import DATA, decode
from tiles import selectors
from tiles.services import layer_upsert_from_file

pytestmark = pytest.mark.django_db
BUCKET = "xenagos-tiles"
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "eu-central-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """A local S3-compatible server for this module."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
    for _ in range(100):
        try:
            client.list_buckets()
            break
        except Exception:  # noqa: BLE001 (the server is still starting)
            time.sleep(0.1)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["region_name"]})
    yield endpoint, client
    process.terminate()
    process.wait(timeout=10)


def test_archives_on_s3_are_built_and_served(settings, client, tile_media, s3_endpoint):
    endpoint, s3 = s3_endpoint
    settings.STORAGES = {
        **settings.STORAGES,
        "tiles": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "region_name": CREDENTIALS["region_name"],
                "location": "tiles",
            },
        },
    }
    layer = layer_upsert_from_file(slug="olinda-on-s3", source=DATA / "l7_etms_rgb.tif", workers=1).layer
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert f"tiles/{layer.archive.name}" in keys  # the archive is in the bucket ...
    assert not (tile_media / layer.archive.name).exists()  # ... and not on local disk
    template = selectors.tile_url_template(slug=layer.slug, version=layer.version, tile_format="png")
    response = client.get(template.format(z=12, x=1650, y=2139))  # a tile of the Olinda scene
    assert response.status_code == 200 and decode(response.content)[..., -1].max() == 255
    assert client.get(template.format(z=12, x=1000, y=1000)).status_code == 204  # far out in the Atlantic
