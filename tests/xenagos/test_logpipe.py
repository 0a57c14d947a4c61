"""xenagos.logpipe (what `make run` logs through): every line kept, files rotated at the size limit."""

import os
import subprocess
import sys


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
