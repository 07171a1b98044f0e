"""What gunicorn must do for OneTrip whatever its command line says (`--config
python:onetrip.gunicorn_conf`; `onetrip serve` passes it).

Prometheus metrics from every worker. Each sync worker is its own process with its own
counters, so without this `/metrics` answers with the counters of whichever worker took the
scrape: totals jump up and down and a restarted worker (`--max-requests`) starts again at zero.
In prometheus_client's multiprocess mode every worker writes its metrics to files in
PROMETHEUS_MULTIPROC_DIR and `/metrics` adds them up (django_prometheus's export view does so
when the variable is set).

The variable must be set before any worker imports prometheus_client, which chooses where
values live when it is imported: hence here, at the master's start, and not in settings.
"""

import os
from pathlib import Path

METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def _default_metrics_dir() -> Path:
    var_dir = os.environ.get("ONETRIP_VAR_DIR") or Path(__file__).resolve().parent.parent / "var"
    return Path(var_dir) / "prometheus"


os.environ.setdefault(METRICS_DIR_VARIABLE, str(_default_metrics_dir()))


def on_starting(server):
    """Counters start from zero with the server, as they did without multiprocess mode: the
    files of an earlier run are removed (their processes are gone)."""
    metrics_dir = Path(os.environ[METRICS_DIR_VARIABLE])
    metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker that ended no longer reports live gauges; its counters stay in the totals."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    """Without a broker (no REDIS_URL) nothing would run the periodic tasks: start one
    `onetrip periodic` beside the workers (onetrip/core/periodic.py). ONETRIP_PERIODIC=0 leaves
    it out (e.g. a second server on the same database)."""
    import subprocess
    import sys

    if os.environ.get("REDIS_URL") or os.environ.get("ONETRIP_PERIODIC", "1") == "0":
        return
    server.onetrip_periodic = subprocess.Popen(  # noqa: S603 - our own command
        [
            sys.executable,
            "-c",
            "from onetrip.cli import main; main()",
            "periodic",
            "--parent",
            str(os.getpid()),
        ]
    )
    server.log.info("periodic tasks run in process %s", server.onetrip_periodic.pid)


def on_exit(server):
    import subprocess

    periodic = getattr(server, "onetrip_periodic", None)
    if periodic is not None and periodic.poll() is None:
        periodic.terminate()
        try:
            periodic.wait(timeout=10)
        except subprocess.TimeoutExpired:
            periodic.kill()
