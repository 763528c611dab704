"""The recipes in examples/recipes/ run as written: the GitHub Actions workflow installs
slactl from the repository and its steps pass; the crontab line mails news once."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from conftest import copy_bundled, copy_repository, ROOT

RECIPES = ROOT / "examples" / "recipes"
VENV_SITE = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", ".hypothesis", ".pytest_cache", ".mypy_cache", "__pycache__",
                                     "*.egg-info", "build", "dist")


def _workflow() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((RECIPES / "github-actions" / "slactl.yml").read_text(encoding="utf-8"))


def test_ci_recipes_install_from_the_repository_not_an_index() -> None:
    for path in (RECIPES / "github-actions" / "slactl.yml", RECIPES / ".gitlab-ci.yml"):
        text = path.read_text(encoding="utf-8")
        installs = [line for line in text.splitlines() if "pip install" in line and not line.lstrip().startswith("#")]
        assert installs, path
        assert all("$SLACTL_FROM" in line for line in installs), installs
        assert not re.search(r"slactl==", text), f"{path}: slactl is on no package index"
    flow = _workflow()
    assert flow["env"]["SLACTL_FROM"] == "."


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository, as actions/checkout leaves it."""
    target = tmp_path_factory.mktemp("gha") / "repo"
    copy_repository("", target)
    return target


def _steps(job: str) -> list[str]:
    return [step["run"] for step in _workflow()["jobs"][job]["steps"] if "run" in step]


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # GitHub runs each `run:` with `bash -e {0}`
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def installed(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The workflow's own install step, run in a fresh environment (``pip`` on PATH installs into it)."""
    env_dir = tmp_path_factory.mktemp("runner") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    shims = env_dir.parent / "shims"
    shims.mkdir()
    pip = shims / "pip"  # the runner's pip: the test's own pip, installing into the fresh environment
    pip.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pip --python "{env_dir / "bin" / "python"}" "$@"\n')
    pip.chmod(0o755)
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}:{shims}:{os.environ['PATH']}",
           "SLACTL_FROM": _workflow()["env"]["SLACTL_FROM"], "PIP_NO_DEPS": "1",  # the dependencies are here already
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    install = [s for s in _steps("validate") if "pip install" in s]
    assert len(install) == 1
    done = _bash(install[0], checkout, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (env_dir / "bin" / "slactl").exists()
    # run with the dependencies of the test environment, but slactl as the workflow installed it
    env["PYTHONPATH"] = str(VENV_SITE)
    env["GITHUB_ACTIONS"] = "true"
    return env


def test_github_actions_validate_job(checkout: Path, installed: dict[str, str]) -> None:
    where = _bash('cd / && command -v slactl && python -c "import slactl; print(slactl.__file__)"', checkout,
                  installed)
    runner_bin, package = where.stdout.split()
    assert runner_bin.endswith("/env/bin/slactl") and "/env/lib/" in package and "runner" in package  # installed
    for script in _steps("validate"):
        if "pip install" in script:
            continue
        done = _bash(script, checkout, installed)
        assert done.returncode == 0, done.stdout + done.stderr


def test_github_actions_score_job(checkout: Path, installed: dict[str, str], tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {**installed, "EXPORT_INPUT": "examples/generic.csv", "GITHUB_STEP_SUMMARY": str(summary)}
    scripts = [s for s in _steps("score") if "pip install" not in s]
    assert len(scripts) == 1
    done = _bash(scripts[0], checkout, env)
    # the bundled export has agreements below their targets: the job fails, as designed, after writing
    assert done.returncode == 1, done.stdout + done.stderr
    assert "below target: " in done.stderr and "Traceback" not in done.stderr
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert (checkout / f"sla-{month}.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert '"summary"' in (checkout / f"sla-{month}.json").read_text(encoding="utf-8")
    assert "|" in summary.read_text(encoding="utf-8")


# ----------------------------------------------------------------- the crontab recipe mails news once

def _cron_command() -> str:
    lines = [line for line in (RECIPES / "crontab").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#") and "=" not in line.split()[0]]
    assert len(lines) == 1
    return " ".join(lines[0].split()[5:])  # after the five time fields


def test_crontab_mails_each_notice_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_notify import _serve

    # /srv/sla: a git checkout of the agreements, with an upstream to pull from
    upstream = tmp_path / "upstream"
    copy_bundled(upstream / "agreements")
    acme = upstream / "agreements" / "customers" / "acme.yaml"
    end = date.today() + timedelta(days=20)  # due now, whenever the test runs
    text = acme.read_text(encoding="utf-8")
    acme.write_text(re.sub(r"period: \{start: \d{4}-\d\d-\d\d, end: \d{4}-\d\d-\d\d\}",
                           f"period: {{start: {end - timedelta(days=364)}, end: {end}}}", text, count=1),
                    encoding="utf-8")
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", "-b", "main", str(upstream)], check=True)
    subprocess.run([*git, "-C", str(upstream), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(upstream), "commit", "-q", "-m", "agreements"], check=True)
    srv = tmp_path / "srv-sla"
    subprocess.run(["git", "clone", "-q", str(upstream), str(srv)], check=True)
    smtp_env = tmp_path / "smtp.env"
    for recorder in _serve(monkeypatch):
        smtp_env.write_text(f"SLACTL_SMTP_HOST={os.environ['SLACTL_SMTP_HOST']}\n"
                            f"SLACTL_SMTP_PORT={os.environ['SLACTL_SMTP_PORT']}\n"
                            "SLACTL_MAIL_FROM=slactl@provider.example\n")
        smtp_env.chmod(0o600)
        command = _cron_command().replace("/srv/sla", str(srv)).replace("/etc/slactl/smtp.env", str(smtp_env))
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
        first = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        assert "acme-support-" in first.stdout and "sent to" in first.stdout  # news: cron mails it
        sent = len(recorder.messages)
        assert sent >= 1
        second = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
        assert second.stdout == "" and second.stderr == ""  # no news: cron mails nothing
        assert len(recorder.messages) == sent
