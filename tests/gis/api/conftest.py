"""Helpers of the open-data API tests: real GDAL tools and the RFC 7946 validator from npm."""

import json
import shutil
import subprocess
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
