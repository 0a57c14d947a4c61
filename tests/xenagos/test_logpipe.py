"""xenagos.logpipe (what `make run` logs through): every line kept, files rotated at the size limit."""

import os
import subprocess
import sys
import time


def test_logpipe_keeps_every_line_and_rotates(tmp_path):
    err, out = tmp_path / "server.log", tmp_path / "access.log"
    code = (
        "import sys\n"
        "for i in range(4000):\n print(f'access {i:05d}')\n print(f'error {i:05d}', file=sys.stderr)\n"
        "sys.exit(3)"
    )
    env = {**os.environ, "XENAGOS_LOG_MAX_MB": "0.02", "XENAGOS_LOG_KEEP": "20"}  # 20 KiB files
    result = subprocess.run(
        [sys.executable, "-m", "xenagos.logpipe", "--stderr", str(err), "--stdout", str(out), "--", sys.executable,
         "-c", code],
        env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 3  # the command's exit status
    for path, word in [(out, "access"), (err, "error")]:
        files = sorted(tmp_path.glob(path.name + "*"))
        assert len(files) >= 3 and all(f.stat().st_size <= 21 * 1024 for f in files)
        lines = sorted(line for f in files for line in f.read_text().splitlines())
        assert lines == [f"{word} {i:05d}" for i in range(4000)]


def test_logpipe_deletes_rotated_logs_older_than_the_stated_retention(tmp_path):
    """The privacy page says logs are kept XENAGOS_LOG_RETENTION_DAYS days: older rotated files go at start, and a
    file last written on an earlier day is rotated at its next line."""
    log = tmp_path / "access.log"
    day = 86400
    now = time.time()
    ages = {"access.log.1": 2 * day, "access.log.2": 13 * day, "access.log.3": 15 * day, "access.log.4": 40 * day}
    for name, age in ages.items():
        (tmp_path / name).write_text(f"{name}\n")
        os.utime(tmp_path / name, (now - age, now - age))
    log.write_text("written yesterday\n")
    os.utime(log, (now - day, now - day))
    (tmp_path / "access.log.keep-me").write_text("not a rotated log\n")
    env = {**os.environ, "XENAGOS_LOG_RETENTION_DAYS": "14"}
    result = subprocess.run(
        [sys.executable, "-m", "xenagos.logpipe", "--stderr", str(log), "--", sys.executable, "-c", "print('today')"],
        env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0
    contents = {path.name: path.read_text() for path in tmp_path.iterdir()}
    assert contents["access.log"] == "today\n"  # a new day began a new file
    assert contents["access.log.1"] == "written yesterday\n"
    assert {name for name in contents if name.startswith("access.log.") and name[11:].isdigit()} == {
        "access.log.1",
        "access.log.2",
        "access.log.3",
    }  # the 2- and 13-day-old files shifted up one; the 15- and 40-day-old ones were deleted before the shift
    assert contents["access.log.2"] == "access.log.1\n" and contents["access.log.3"] == "access.log.2\n"
    assert "access.log.keep-me" in contents
