"""Time ``slactl validate`` against ``yamllint`` on the same files.

    .venv/bin/python benchmarks/bench_validate.py [AGREEMENTS] [--repeat N] [--keep DIR]

AGREEMENTS defaults to 1000. The script writes a workspace into a temporary
folder: AGREEMENTS agreement files under customers/ (one agreement each, a
share of them with several documents, services lists, own rules, labels and
comments, like the bundled ones), the bundled policies, calendars and services,
plus a few extra policies and calendars. It then times, each as a fresh process
with output to /dev/null:

  slactl -w DIR validate --format json
  yamllint -d relaxed DIR

on the generated workspace and on the bundled ``agreements/``, and prints both
times and the ratio. yamllint only checks YAML syntax and style; slactl also
parses, checks structure against the schema, resolves references and checks
meaning, so the ratio is the price of those checks over a linter's pass.
"""
from __future__ import annotations

import argparse
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLED = os.path.join(ROOT, "agreements")
BIN = os.path.dirname(sys.executable)

AGREEMENT = """\
# yaml-language-server: $schema=../../slactl.schema.json
# {comment}
apiVersion: slactl/v1
kind: Agreement
metadata:
  name: {name}-{year}
  labels:
    tier: {tier}
    region: {region}
spec:
  customer:
    id: {name}
    name: {title}
    aliases: [{aliases}]
    contacts: [ops@{name}.example, it-director@{name}.example]
  manager: {{name: {manager}, email: {manager_email}}}
  period: {{start: {year}-{start}, end: {end}}}
{extra}  policy: {policy}
  notice_days: [60, 30, 7]
"""

RULES = """\
  rules:
    - priority: P2
      aliases: [high, "2 - High"]
      first_response: {fr}m
      resolution: {res}h
"""

CALENDAR = """\
apiVersion: slactl/v1
kind: Calendar
metadata:
  name: {name}
spec:
  timezone: {tz}
  hours:
    mon: ["09:00-18:00"]
    tue: ["09:00-18:00"]
    wed: ["09:00-18:00"]
    thu: ["09:00-18:00"]
    fri: ["09:00-17:00"]
  holidays:
    country: {country}
"""

POLICY = """\
apiVersion: slactl/v1
kind: Policy
metadata:
  name: {name}
spec:
  calendar: {calendar}
  compliance_target: {target}
  rules:
    - priority: P1
      aliases: [urgent, critical, "1 - Critical"]
      first_response: {p1}m
      resolution: 4h
      calendar: 24x7
    - priority: P2
      aliases: [high, "2 - High"]
      first_response: 2h
      resolution: 16h
    - priority: P3
      aliases: [normal, medium, "3 - Moderate"]
      first_response: 8h
      resolution: 40h
    - priority: P4
      aliases: [low, "4 - Low"]
      first_response: 16h
      resolution: 80h
"""

MANAGERS = [("Irina Petrova", "irina@provider.example"), ("Sam Carter", "sam@provider.example"),
            ("Olga Smirnova", "noc@provider.example"), ("Lee Park", "lee@provider.example")]
WORDS = ["Acme", "Blue", "Cedar", "Delta", "Echo", "Fjord", "Gamma", "Helix", "Iris", "Juno", "Kite",
         "Lumen", "Maple", "Nova", "Orbit", "Pine", "Quartz", "Rowan", "Sigma", "Terra"]


def generate(root: str, count: int, seed: int = 5) -> int:
    """Write the workspace; returns the number of YAML files."""
    rnd = random.Random(seed)
    for sub in ("customers", "policies", "calendars", "services"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    for sub in ("policies", "calendars", "services"):
        for f in os.listdir(os.path.join(BUNDLED, sub)):
            shutil.copy(os.path.join(BUNDLED, sub, f), os.path.join(root, sub, f))
    calendars = [("msk-business", "Europe/Moscow", "RU"), ("us-east", "America/New_York", "US")]
    for name, tz, country in (("berlin-office", "Europe/Berlin", "DE"), ("london-office", "Europe/London", "GB"),
                              ("tokyo-office", "Asia/Tokyo", "JP")):
        with open(os.path.join(root, "calendars", f"{name}.yaml"), "w", encoding="utf-8") as f:
            f.write(CALENDAR.format(name=name, tz=tz, country=country))
        calendars.append((name, tz, country))
    policies = ["standard", "premium"]
    for i, (cal, _, _) in enumerate(calendars[2:]):
        name = f"regional-{cal.split('-')[0]}"
        with open(os.path.join(root, "policies", f"{name}.yaml"), "w", encoding="utf-8") as f:
            f.write(POLICY.format(name=name, calendar=cal, target=90 + i * 2, p1=30 - i * 5))
        policies.append(name)
    services = ["email", "erp", "network", "workplace"]
    for i in range(count):
        name = f"{rnd.choice(WORDS).lower()}-{i:04d}"
        title = f"{name.split('-')[0].capitalize()} {rnd.choice(['Corp', 'LLC', 'GmbH', 'Ltd', 'Inc'])} {i}"
        manager, email = rnd.choice(MANAGERS)
        extra = ""
        if rnd.random() < 0.5:
            extra += f"  services: [{', '.join(sorted(rnd.sample(services, rnd.randint(1, 3))))}]\n"
        if rnd.random() < 0.25:
            extra += RULES.format(fr=rnd.choice([20, 30, 45]), res=rnd.choice([4, 6, 8]))
        if rnd.random() < 0.3:
            extra += f"  compliance_target: {rnd.choice([92, 95, 97, 98])}\n"
        docs = []
        years = [2026] if rnd.random() < 0.8 else [2025, 2026, 2027]
        for year in years:
            docs.append(AGREEMENT.format(
                comment=f"{title}: support contract {year}.", name=name, year=year, title=title,
                tier=rnd.choice(["standard", "premium"]), region=rnd.choice(["emea", "amer", "apac"]),
                aliases=f'"{title.upper()}", "{name.split("-")[0].upper()}{i}"', manager=manager,
                manager_email=email, start="01-01", end=f"{year}-12-31", extra=extra,
                policy=rnd.choice(policies)))
        with open(os.path.join(root, "customers", f"{name}.yaml"), "w", encoding="utf-8") as f:
            f.write("---\n".join(docs))
    return sum(len(fs) for _, _, fs in os.walk(root))


def timed(cmd: list[str], repeat: int) -> tuple[float, int]:
    best = float("inf")
    rc = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        with open(os.devnull, "w") as null:
            rc = subprocess.run(cmd, stdout=null, stderr=subprocess.STDOUT).returncode
        best = min(best, time.perf_counter() - t0)
    return best, rc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("agreements", nargs="?", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    ap.add_argument("--keep", metavar="DIR", help="generate the workspace into DIR and keep it")
    args = ap.parse_args()
    slactl = os.path.join(BIN, "slactl")
    yamllint = shutil.which("yamllint", path=BIN) or shutil.which("yamllint")
    if yamllint is None:
        sys.exit("yamllint is not installed (pip install yamllint)")

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or os.path.join(tmp, "workspace")
        if args.keep and os.path.exists(root) and os.listdir(root):
            sys.exit(f"{root} is not empty")
        files = generate(root, args.agreements)
        print(f"best of {args.repeat}, output to /dev/null\n")
        print(f"{'workspace':<28} {'files':>6} {'slactl s':>9} {'exit':>4} {'yamllint s':>11} {'exit':>4} {'ratio':>6}")
        for label, folder, n in ((f"generated ({args.agreements} agreements)", root, files),
                                 ("bundled agreements/", BUNDLED,
                                  sum(len(fs) for _, _, fs in os.walk(BUNDLED)))):
            s, s_rc = timed([slactl, "-w", folder, "validate", "--format", "json"], args.repeat)
            y, y_rc = timed([yamllint, "-d", "relaxed", folder], args.repeat)
            print(f"{label:<28} {n:>6} {s:9.3f} {s_rc:>4} {y:11.3f} {y_rc:>4} {s / y:5.2f}x")
        print("\ncommands:")
        print(f"  {shlex.join([slactl, '-w', 'DIR', 'validate', '--format', 'json'])} > /dev/null")
        print(f"  {shlex.join([yamllint, '-d', 'relaxed', 'DIR'])} > /dev/null")
        print(f"  DIR = {root} (generated), {BUNDLED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
