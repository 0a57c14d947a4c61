"""Helpers of the open-data API tests: real GDAL tools and the RFC 7946 validator from npm."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

GEOJSONHINT = Path(settings.BASE_DIR) / "node_modules" / ".bin" / "geojsonhint"


def run(*command: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run a real tool; fail with its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, (
        f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    return result


SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
SCHEMATHESIS_CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def schemathesis_run(
    api_url: str, *, report_dir: Path, paths: str | None = None, exclude: str | None = None
) -> subprocess.CompletedProcess:
    """Fuzz the OpenAPI document at ``api_url`` with schemathesis (every phase; ``stateful`` follows the items ->
    item links with real ids), optionally only the operations whose path matches the regex ``paths`` and not the
    regex ``exclude``; fail with its output on any failed check."""
    assert SCHEMATHESIS.exists(), "schemathesis is a dev dependency: pip install -e .[dev]"
    selection = ["--include-path-regex", paths] if paths else []
    selection += ["--exclude-path-regex", exclude] if exclude else []
    return run(
        str(SCHEMATHESIS),
        "run",
        api_url,
        *selection,
        "--checks",
        SCHEMATHESIS_CHECKS,
        "--max-examples",
        os.environ.get("XENAGOS_SCHEMATHESIS_EXAMPLES", "10"),
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--workers",
        "1",
        "--seed",
        "5",
        "--request-timeout",
        "60",
        "--generation-database",
        "none",
        "--report-dir",
        str(report_dir),
        "--no-color",
        timeout=900,
    )


@pytest.fixture(scope="session")
def geojsonhint():
    """Validate a GeoJSON file with @mapbox/geojsonhint (RFC 7946); returns its messages (none when valid)."""
    if not GEOJSONHINT.exists():
        pytest.fail(f"{GEOJSONHINT} is missing: run `npm ci` (package.json devDependencies)")

    def check(path: Path) -> list[dict]:
        result = subprocess.run(
            [str(GEOJSONHINT), "--format", "json", str(path)], capture_output=True, text=True, timeout=120, check=False
        )
        output = result.stdout.strip()
        messages = json.loads(output) if output else []
        assert result.returncode == 0 or messages, f"geojsonhint failed: {result.stderr}"
        return messages

    return check


@pytest.fixture(scope="session")
def gdal_tools():
    """Debian's GDAL command-line tools (ogrinfo, ogr2ogr)."""
    for tool in ("ogrinfo", "ogr2ogr"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found; `make test` installs Debian's gdal-bin")
