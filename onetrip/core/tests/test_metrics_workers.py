"""/metrics under gunicorn with several workers counts every worker's requests (Prometheus
multiprocess mode, onetrip/gunicorn_conf.py), and a worker that is replaced keeps its counts."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
GUNICORN_OPTIONS = ("--config", "python:onetrip.gunicorn_conf")
HEALTHZ_200 = re.compile(
    r'^django_http_responses_total_by_status_view_method_total\{(?=[^}]*method="GET")'
    r'(?=[^}]*status="200")(?=[^}]*view="healthz")[^}]*\} ([0-9.e+]+)$',
    re.M,
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(tmp_path, *, metrics_dir: Path, redis_url: str = ""):
    """gunicorn with two sync workers, started the way `onetrip serve` starts it, on a fresh
    SQLite file under `tmp_path`; returns (process, base URL) once it answers."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
        "DJANGO_SETTINGS_MODULE": "onetrip.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ONETRIP_VAR_DIR": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "onetrip.wsgi:application", *GUNICORN_OPTIONS),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--graceful-timeout", "5"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
    except AssertionError:
        process.terminate()
        process.wait(timeout=20)
        raise
    return process, base


@pytest.fixture
def server(tmp_path):
    """gunicorn, two sync workers, started the way `onetrip serve` starts it."""
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"left by an earlier run")
    process, base = start_gunicorn(tmp_path, metrics_dir=metrics_dir)
    try:
        yield base, metrics_dir
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_up(base: str, process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            requests.get(f"{base}/metrics", timeout=5)
            return
        # Not listening yet, or a worker still importing the project on a busy machine (the
        # first request loads the URLconf: seconds when the test suite runs beside it).
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 30 s")


def _healthz_count(base: str) -> float:
    page = requests.get(f"{base}/metrics", timeout=5)
    assert page.status_code == 200
    found = HEALTHZ_200.search(page.text)
    return float(found.group(1)) if found else 0.0


def _worker_pids(metrics_dir: Path) -> set[int]:
    return {
        int(m.group(1))
        for f in metrics_dir.glob("*.db")
        if (m := re.search(r"_(\d+)\.db$", f.name))
    }


def test_every_workers_requests_are_counted_and_survive_a_worker_restart(server):
    base, metrics_dir = server
    assert not (metrics_dir / "counter_999999.db").exists()  # an earlier run's file is gone
    answered = 0

    def healthz() -> None:
        nonlocal answered
        assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
        answered += 1

    for _ in range(40):  # a new connection each: the two workers take turns
        healthz()
    pids = _worker_pids(metrics_dir)
    assert len(pids) == 2  # both workers write their own metric files
    assert _healthz_count(base) == answered  # the sum over both, whichever answers the scrape

    os.kill(min(pids), signal.SIGTERM)  # the master replaces it, as after --max-requests
    deadline = time.monotonic() + 20
    while not _worker_pids(metrics_dir) - pids and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _worker_pids(metrics_dir) - pids, "no new worker came"
    for _ in range(10):
        healthz()
    assert _healthz_count(base) == answered  # the replaced worker's counts were kept
