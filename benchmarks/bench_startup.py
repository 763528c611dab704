"""Start-up: ``slactl validate`` on a small workspace against ``yamllint``, and ``--help``.

    .venv/bin/python benchmarks/bench_startup.py [--runs N] [--keep DIR]

Writes a 4-file workspace (the bundled New York calendar with the US public
holidays, the bundled standard policy on it, the bundled services and one
agreement: the shape of a small real one)
and times, as fresh processes with output to /dev/null, interleaved N times
(default 30) so a noisy machine disturbs every command alike:

  slactl -w DIR validate
  yamllint -d relaxed DIR
  slactl --help
  python -c pass                 (the interpreter alone)

It prints the minimum and the median of each, and validate's ratio to yamllint.
One untimed validate runs first: it fills slactl's cache of the holidays
library's data (README, "The file format"), as any earlier run on the machine
would have. The cache is a private one in a temporary folder (XDG_CACHE_HOME), so
a cache that other runs filled with many years does not weigh on the figures, and
slactl's modules are compiled to bytecode first, as ``pip install`` does (an
editable install under PYTHONDONTWRITEBYTECODE=1 would compile them on every run).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)

AGREEMENT = """\
apiVersion: slactl/v1
kind: Agreement
metadata:
  name: acme-support-2026
  labels:
    tier: standard
spec:
  customer:
    id: acme
    name: ACME Corp
    aliases: ["ACME Corporation", "ACME"]
    contacts: [ops@acme.example]
  manager: {name: Irina Petrova, email: irina@provider.example}
  period: {start: 2026-01-01, end: 2026-12-31}
  policy: standard
  compliance_target: 97
  notice_days: [60, 30, 7]
  hours:
    included: 20
    per: month
    rollover: true
"""


def write_workspace(folder: str) -> None:
    """The bundled New York calendar, the bundled standard policy on it, the bundled
    services and one agreement."""
    bundled = os.path.join(ROOT, "agreements")
    with open(os.path.join(bundled, "policies", "standard.yaml"), encoding="utf-8") as fh:
        policy = fh.read().replace("calendar: msk-business", "calendar: us-east")
    for sub, name, text in (("policies", "standard.yaml", policy), ("customers", "acme.yaml", AGREEMENT)):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
        with open(os.path.join(folder, sub, name), "w", encoding="utf-8") as fh:
            fh.write(text)
    for sub, name in (("calendars", "us-east.yaml"), ("services", "services.yaml")):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
        shutil.copy(os.path.join(bundled, sub, name), os.path.join(folder, sub))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=30, help="interleaved runs of each command (default 30)")
    ap.add_argument("--keep", metavar="DIR", help="write the workspace into DIR and keep it")
    args = ap.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="slactl-startup-")
    write_workspace(folder)
    slactl, yamllint = os.path.join(BIN, "slactl"), os.path.join(BIN, "yamllint")
    if not os.path.exists(yamllint):
        print("yamllint is not installed in this virtualenv: .venv/bin/pip install yamllint", file=sys.stderr)
        return 2
    commands = {
        "validate": [slactl, "-w", folder, "validate"],
        "yamllint": [yamllint, "-d", "relaxed", folder],
        "--help": [slactl, "--help"],
        "python": [sys.executable, "-c", "pass"],
    }
    cache = tempfile.mkdtemp(prefix="slactl-startup-cache-")
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    env.pop("SLACTL_CACHE_DIR", None)
    compiled = {**os.environ}
    compiled.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "slactl")],
                   env=compiled, stdout=subprocess.DEVNULL, check=False)
    try:
        warm = subprocess.run(commands["validate"], capture_output=True, text=True, env=env)
        if warm.returncode != 0:
            print(f"validate failed on the generated workspace:\n{warm.stdout}{warm.stderr}", file=sys.stderr)
            return 1
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                start = time.perf_counter()
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                times[name].append((time.perf_counter() - start) * 1000)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"python {sys.version.split()[0]}, {args.runs} interleaved runs of each, output to /dev/null\n")
    print(f"{'command':10s} {'min ms':>8s} {'median ms':>10s}")
    for name, values in times.items():
        print(f"{name:10s} {min(values):8.1f} {statistics.median(values):10.1f}")
    v, y = times["validate"], times["yamllint"]
    print(f"\nvalidate / yamllint: {min(v) / min(y):.2f} (min), {statistics.median(v) / statistics.median(y):.2f} (median)")
    for name, cmd in commands.items():
        print(f"  {name:9s} {' '.join(cmd)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
