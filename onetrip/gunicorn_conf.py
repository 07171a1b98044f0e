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
