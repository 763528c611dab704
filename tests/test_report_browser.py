"""The report page in a real browser: headless Chromium screenshots it; the page is not
blank and fits an A4-ish width. Skipped (with the reason) when no Chromium is installed."""
from __future__ import annotations

import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_in_workspace as run

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium on PATH (apt-get install chromium)")
WIDTH = 820


def png_rows(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of a non-interlaced 8-bit PNG, decoded with zlib alone."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            assert body[8] == 8 and body[12] == 0
            channels = {2: 3, 6: 4}[body[9]]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_chromium_renders_the_page(workspace: Path, tmp_path: Path, lang: str) -> None:
    page = tmp_path / "acme.html"
    assert run(workspace, "report", str(ROOT / "examples" / "generic.csv"), "-c", "acme", "--period", "2026-11",
               "--as-of", "2026-12-01T06:00:00Z", "--lang", lang, "-o", str(page)).exit_code == 0
    shot = tmp_path / "shot.png"
    subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",  # type: ignore[list-item]
                    f"--window-size={WIDTH},1400", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, cwd=tmp_path)
    assert shot.exists(), "chromium wrote no screenshot"
    width, height, rows = png_rows(shot)
    assert (width, height) == (WIDTH, 1400)
    channels = len(rows[0]) // width
    dark = sum(1 for row in rows for i in range(0, len(row), channels) if sum(row[i:i + 3]) < 384)
    coloured = sum(1 for row in rows for i in range(0, len(row), channels)
                   if max(row[i:i + 3]) - min(row[i:i + 3]) > 80)
    assert dark > 0.005 * width * height, "the page looks blank (hardly any dark pixel)"
    assert coloured > 500, "no chart colour on the first screen"
    # fits the width: the rightmost columns stay background (nothing cut at the right edge)
    edge = [row[(width - 3) * channels:(width - 2) * channels] for row in rows]
    assert sum(1 for px in edge if sum(px[:3]) < 600) < 0.02 * height
