"""OneTrip benchmark: serve the app the production way and load it with wrk.

    make bench                               # SQLite (file under var/bench/), every suite
    make bench BENCH_ARGS="--db postgres"    # PostgreSQL database `bench` (+ Redis db 5)
    make bench BENCH_ARGS="--suite identity" # tokens, logins, /api/v1/me only (no `gen`)

Every run starts from a fresh database (for the cases suite: a copy of a database that
`onetrip gen` filled once and that later runs reuse), migrates it, creates its fixtures through
the app's own services, starts gunicorn with production settings on 127.0.0.1 and measures each
scenario next to /healthz on the same server. See bench/README.md for how to read the results.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import data_scenarios  # bench/data_scenarios.py: the data suite (exchange, package_search)

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
LUA_DIR = BENCH_DIR / "lua"
RESULTS_DIR = BENCH_DIR / "results"
VAR_DIR = ROOT / "var" / "bench"
# The code the server runs: ROOT (--code worktree) or an export of HEAD (--code head, the
# default: other people edit the working tree while a run takes its ten minutes).
APP = ROOT
HOST = "127.0.0.1"
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
# Set from --name / --redis-db in main() (several people may benchmark on one machine).
POSTGRES_URL = f"{POSTGRES_SERVER}/bench"
REDIS_URL = "redis://127.0.0.1:6379/5"
SUITES = {"identity": ("token", "login", "me"), "cases": ("verify", "submit", "supervision")}
SUITES["data"] = data_scenarios.KEYS

# Sync workers on a 2-core machine: see README ("Worker count"). One per core keeps the cores
# busy while requests compute, and one more fills the gaps while a worker waits (socket, SQLite's
# lock and fsync, PostgreSQL round trips). More workers than that cost more CPU per request than
# they fill: each switch between processes on a core finds the caches full of the other's memory.
DEFAULT_WORKERS = 3
# The submission run is given drafts for this many submissions per second (the fastest
# machine here reached about 1,000/s on SQLite with 2 workers; a draft can be submitted only
# once, and a run that runs out counts the re-submissions as errors).
SUBMISSIONS_PER_S = 1400


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- the load generator ---------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk not found; installing Debian's wrk with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is still missing after apt-get install")
    return found


# --- CPU accounting: the machine is shared, so say how much of it the benchmark had ---------

TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / TICKS


def process_tree_seconds(pid: int) -> float:
    """CPU-seconds used by a process and its live children (gunicorn master + workers)."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    except OSError:
        pass
    for one in pids:
        try:
            stat = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(stat[11]) + int(stat[12])) / TICKS  # utime + stime
    return total


DB_BACKEND_PIDS: list[int] = []


def refresh_db_backends(db: str) -> None:
    """PostgreSQL serves our queries in its own processes: count them as part of the server."""
    if db != "postgres":
        return
    import psycopg

    dbname = POSTGRES_URL.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        ).fetchall()
    DB_BACKEND_PIDS[:] = [row[0] for row in rows]


def db_seconds() -> float:
    return sum(process_tree_seconds(pid) for pid in DB_BACKEND_PIDS)


def db_snapshot(db: str) -> dict[int, float]:
    """CPU-seconds of each PostgreSQL backend serving us now. The workers' connections are
    replaced after CONN_MAX_AGE (60 s), so the list is read again at each measurement's start
    and end: a backend that appeared in between counts whole (it began during the run); one
    that ended in between is lost (its /proc entry is gone)."""
    refresh_db_backends(db)
    return {pid: process_tree_seconds(pid) for pid in DB_BACKEND_PIDS}


def db_seconds_since(db: str, before: dict[int, float]) -> float:
    after = db_snapshot(db)
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def wait_for_quiet(args, server_pid: int) -> float:
    """Waits (up to --quiet-wait s) until other programs use < --quiet-max of the CPUs."""
    deadline = time.monotonic() + args.quiet_wait
    refresh_db_backends(args.db)
    while True:
        busy0, ours0 = machine_busy_seconds(), process_tree_seconds(server_pid) + db_seconds()
        time.sleep(1)
        ours = process_tree_seconds(server_pid) + db_seconds() - ours0
        others = (machine_busy_seconds() - busy0) - ours
        share = max(0.0, others) / (os.cpu_count() or 1)
        if share <= args.quiet_max or time.monotonic() >= deadline:
            if share > args.quiet_max:
                log(f"  machine still busy ({100 * share:.0f}% used by other programs)")
            return share


def run_wrk(wrk: str, args, script: str, seconds: float, env: dict, server_pid: int = 0) -> dict:
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={args.timeout}s",
        "--latency",
        "-s",
        str(LUA_DIR / script),
        f"http://{HOST}:{args.port}",
    ]
    db0 = db_snapshot(args.db)
    busy0, server0 = machine_busy_seconds(), process_tree_seconds(server_pid)
    children0 = os.times()
    done = subprocess.run(
        command,
        env={**os.environ, **env, "BENCH_LUA_DIR": str(LUA_DIR)},
        text=True,
        capture_output=True,
        check=False,
    )
    children1 = os.times()
    wrk_cpu = (children1.children_user - children0.children_user) + (
        children1.children_system - children0.children_system
    )
    server_cpu = process_tree_seconds(server_pid) - server0
    busy = machine_busy_seconds() - busy0
    db_cpu = db_seconds_since(args.db, db0)
    # Let the server finish what wrk left queued so the next measurement starts clean.
    time.sleep(args.settle)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}\n{done.stdout}")
    statuses = json.loads(re.search(r"^BENCH_STATUSES (.*)$", done.stdout, re.M).group(1))
    summary = json.loads(re.search(r"^BENCH_SUMMARY (.*)$", done.stdout, re.M).group(1))
    seconds_run = summary["duration_us"] / 1e6
    socket_errors = {k: summary[k] for k in ("connect", "read", "write", "timeout")}
    return {
        "command": " ".join(command),
        "requests": summary["requests"],
        "duration_s": round(seconds_run, 3),
        "statuses": statuses,
        "socket_errors": socket_errors,
        "rps": round(summary["requests"] / seconds_run, 1),
        "p50_ms": round(summary["p50_us"] / 1000, 1),
        "p90_ms": round(summary["p90_us"] / 1000, 1),
        "p99_ms": round(summary["p99_us"] / 1000, 1),
        "mean_ms": round(summary["mean_us"] / 1000, 1),
        "max_ms": round(summary["max_us"] / 1000, 1),
        "cpu_seconds": {
            "machine_capacity": round(seconds_run * (os.cpu_count() or 1), 1),
            "server": round(server_cpu, 1),
            "wrk": round(wrk_cpu, 1),
            "database": round(db_cpu, 1),
            "other_programs": round(max(0.0, busy - server_cpu - wrk_cpu - db_cpu), 1),
        },
        "other_programs_share": round(
            max(0.0, busy - server_cpu - wrk_cpu - db_cpu) / (seconds_run * (os.cpu_count() or 1)),
            3,
        ),
        "raw": done.stdout,
    }


def judge(measured: dict, expected_status: int) -> dict:
    """Only responses with the expected status count; anything else is an error."""
    ok = measured["statuses"].get(str(expected_status), 0)
    unexpected = {k: v for k, v in measured["statuses"].items() if k != str(expected_status)}
    errors = sum(unexpected.values()) + sum(measured["socket_errors"].values())
    measured["expected_status"] = expected_status
    measured["ok"] = ok
    measured["ok_rps"] = round(ok / measured["duration_s"], 1)
    measured["errors"] = errors
    measured["unexpected_statuses"] = unexpected
    return measured


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _pg_admin():
    import psycopg

    return psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True)


def _pg_recreate(name: str, template: str = "") -> None:
    from psycopg import sql

    with _pg_admin() as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))
        if template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _pg_exists(name: str) -> bool:
    with _pg_admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def gen_template(args) -> tuple[str, str]:
    """Where the `onetrip gen` data set lives between runs: (label, DATABASE_URL)."""
    if args.db == "sqlite":
        path = VAR_DIR / f"{args.name}-gen-s{args.gen_seed}-{args.gen_today}.sqlite3"
        return str(path.relative_to(ROOT)), f"sqlite:///{path}"
    name = f"{args.name}_gen"
    return f"PostgreSQL database {name}", f"{POSTGRES_SERVER}/{name}"


def gen_status(args, env: dict) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH_DIR / "fixtures.py"),
            "gen-status",
            "--seed",
            str(args.gen_seed),
            "--today",
            args.gen_today,
            "--cases",
            "1000000",
        ],
        env=env,
        cwd=APP,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"ready": False, "reason": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout)


def ensure_gen(args, base_env: dict) -> dict:
    """Makes (once) and checks the million-case data set: `onetrip gen --seed S --today T` with
    the default sizes. A later run finds it (the gen audit entry with the same seed, today and
    sizes, and the million generated cases) and reuses it; it is never benchmarked directly,
    each run works on a copy."""
    label, url = gen_template(args)
    env = {**base_env, "DATABASE_URL": url}
    exists = Path(url.removeprefix("sqlite:///")).exists() if args.db == "sqlite" else None
    if args.db == "postgres":
        exists = bool(_pg_exists(url.rsplit("/", 1)[1]))
    status = gen_status(args, env) if exists else {"ready": False, "reason": "not made yet"}
    if status["ready"]:
        log(f"reusing the gen data set in {label} ({status['generated_cases']} cases)")
        return {"template": label, "reused": True, **status}
    log(f"making the gen data set in {label} ({status.get('reason')}); about 2-3 minutes")
    if args.db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
    else:
        _pg_recreate(url.rsplit("/", 1)[1])
    started = time.monotonic()
    manage(env, "gen", "--seed", str(args.gen_seed), "--today", args.gen_today)
    seconds = round(time.monotonic() - started, 1)
    status = gen_status(args, env)
    if not status["ready"]:
        sys.exit(f"gen did not make the data set: {status}")
    return {"template": label, "reused": False, "gen_seconds": seconds, **status}


def prepare_database(args, base_env: dict) -> tuple[str, dict | None]:
    """A fresh database for this run: empty, or (cases suite) a copy of the gen data set."""
    gen = ensure_gen(args, base_env) if "cases" in args.suites else None
    if args.db == "sqlite":
        path = VAR_DIR / f"{args.name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if gen:
            template = Path(gen_template(args)[1].removeprefix("sqlite:///"))
            log(f"copying {template.name} to {path.name}")
            shutil.copyfile(template, path)
            if Path(f"{template}-wal").exists():
                shutil.copyfile(f"{template}-wal", f"{path}-wal")
        return f"sqlite:///{path}", gen
    name = POSTGRES_URL.rsplit("/", 1)[1]
    if gen:
        log(f"CREATE DATABASE {name} TEMPLATE {name}_gen")
    _pg_recreate(name, template=f"{name}_gen" if gen else "")
    return POSTGRES_URL, gen


def export_head(args) -> Path:
    """`git archive HEAD` into var/bench/code-NAME/: the committed code, whatever is being
    edited in the working tree meanwhile."""
    target = VAR_DIR / f"code-{args.name}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def server_env(args, database_url: str) -> dict:
    metrics_dir = VAR_DIR / f"prometheus-{args.name}-{args.db}"
    metrics_dir.mkdir(parents=True, exist_ok=True)  # set-up commands write metrics there too
    alphabet = string.ascii_letters + string.digits
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onetrip.settings.production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
        "ALLOWED_HOSTS": HOST,
        "ONETRIP_VAR_DIR": str(VAR_DIR),
        "DATABASE_URL": database_url,
        "PYTHONDONTWRITEBYTECODE": "1",
        "BENCH_APP_DIR": str(APP),
        # Prometheus multiprocess mode (onetrip/gunicorn_conf.py), a directory per run
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    if args.db == "postgres":
        env["REDIS_URL"] = REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env: dict, *command: str) -> None:
    subprocess.run(
        [sys.executable, str(APP / "manage.py"), *command],
        env=env,
        cwd=APP,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def server_shape(args) -> str:
    if args.worker_class == "gthread":
        return f"{args.workers} gthread workers × {args.worker_threads} threads"
    return f"{args.workers} sync workers"


def start_gunicorn(args, env: dict) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    errors = open(VAR_DIR / f"gunicorn-{args.name}-{args.db}.log", "w")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "onetrip.wsgi:application",
            "--config",
            "python:onetrip.gunicorn_conf",  # as `onetrip serve` and production
            "--bind",
            f"{HOST}:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            *(["--threads", str(args.worker_threads)] if args.worker_class == "gthread" else []),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        env=env,
        cwd=APP,
        stdout=errors,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited; see {VAR_DIR}/gunicorn-{args.name}-{args.db}.log")
        try:
            if requests.get(f"http://{HOST}:{args.port}/healthz", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop(process)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def start_profiler(args, server: subprocess.Popen, key: str) -> subprocess.Popen | None:
    """py-spy (pip install py-spy) samples every gunicorn worker during the measurement.

    Writes collapsed stacks to var/bench/profile-<db>-<key>.txt; summarise them with
    `python bench/profile_summary.py FILE`. Sampling costs some CPU, so profiled runs are
    for finding where the time goes, not for the published numbers.
    """
    if not args.profile:
        return None
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(server.pid),
            "--subprocesses",
            "--nonblocking",
            "--rate",
            "200",
            "--format",
            "raw",
            "--duration",
            str(max(1, round(args.duration))),
            "--output",
            str(VAR_DIR / f"profile-{args.db}-{key}.txt"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# --- user tokens through the real authorization-code + PKCE flow ---------------------------


def user_token(base: str, port: int, account: dict, client: dict, csrf: str) -> str:
    """Signs in through the login form and runs /o/authorize/ -> /o/token/ with PKCE."""
    import requests

    https = {"X-Forwarded-Proto": "https"}
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    authorize = "/o/authorize/?" + urlencode(
        {
            "response_type": "code",
            "client_id": client["client_id"],
            "redirect_uri": client["redirect_uri"],
            "scope": "read",
            "state": secrets.token_urlsafe(8),
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    # Production cookies are Secure; we speak plain HTTP to gunicorn, so carry them by hand.
    cookies = {"csrftoken": csrf}
    first = requests.get(base + authorize, headers=https, allow_redirects=False, timeout=30)
    if first.status_code != 302 or "/login/" not in first.headers["Location"]:
        raise RuntimeError(f"authorize without a session: {first.status_code}")
    login = requests.post(
        base + "/login/",
        data={
            "csrfmiddlewaretoken": csrf,
            "identifier": account["identifier"],
            "password": account["password"],
            "next": authorize,
        },
        headers={**https, "Referer": f"https://{HOST}:{port}/login/"},
        cookies=cookies,
        allow_redirects=False,
        timeout=30,
    )
    if login.status_code != 302 or login.headers["Location"] != authorize:
        raise RuntimeError(f"login for the authorization flow: {login.status_code}")
    cookies.update(login.cookies.get_dict())
    granted = requests.get(
        base + authorize, headers=https, cookies=cookies, allow_redirects=False, timeout=30
    )
    location = granted.headers.get("Location", "")
    if granted.status_code != 302 or not location.startswith(client["redirect_uri"]):
        raise RuntimeError(f"authorize with a session: {granted.status_code} {location}")
    code = parse_qs(urlparse(location).query)["code"][0]
    token = requests.post(
        base + "/o/token/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": client["redirect_uri"],
            "code_verifier": verifier,
        },
        auth=(client["client_id"], client["client_secret"]),
        headers=https,
        timeout=30,
    )
    if token.status_code != 200:
        raise RuntimeError(f"token exchange: {token.status_code} {token.text}")
    return token.json()["access_token"]


# --- scenarios ------------------------------------------------------------------------------


def scenarios(fixtures: dict, tokens: list[str], csrf: str, port: int) -> list[dict]:
    cc = fixtures["client_credentials"]
    basic = base64.b64encode(f"{cc['client_id']}:{cc['client_secret']}".encode()).decode()
    accounts = ",".join(f"{a['identifier']}:{a['password']}" for a in fixtures["accounts"])
    found = [
        {
            "name": "client-credential tokens",
            "key": "token",
            "request": "POST /o/token/ grant_type=client_credentials (HTTP Basic)",
            "script": "token.lua",
            "env": {"BENCH_BASIC": basic},
            "expected_status": 200,
            "target": {"kind": "rps", "value": 240, "text": "≥ 240 req/s"},
        },
        {
            "name": "password logins",
            "key": "login",
            "request": f"POST /login/ identifier+password ({len(fixtures['accounts'])} accounts)",
            "script": "login.lua",
            "env": {
                "BENCH_ACCOUNTS": accounts,
                "BENCH_CSRF": csrf,
                "BENCH_REFERER": f"https://{HOST}:{port}/login/",
            },
            "expected_status": 302,
            "target": {"kind": "rps", "value": 30, "text": "≥ 30 req/s"},
        },
        {
            "name": "authenticated API",
            "key": "me",
            "request": f"GET /api/v1/me, Bearer user token ({len(tokens)} users)",
            "script": "me.lua",
            "env": {"BENCH_TOKENS": ",".join(tokens)},
            "expected_status": 200,
            "target": {"kind": "ratio", "value": 0.5, "text": "≥ 50% of /healthz req/s"},
        },
    ]
    if fixtures.get("licences"):
        found.append(
            {
                "name": "licence verification",
                "key": "verify",
                "request": f"GET /api/v1/licences/{{number}}/verify, no credentials "
                f"({len(fixtures['licences'])} Ed25519-signed licences round-robin)",
                "script": "verify.lua",
                "env": {"BENCH_LICENCES": ",".join(fixtures["licences"])},
                "expected_status": 200,
                "target": {
                    "kind": "ratio",
                    "value": 0.5,
                    "p99_ms": 25,
                    "text": "≥ 50% of /healthz req/s and p99 ≤ 25 ms",
                },
            }
        )
    if fixtures.get("drafts"):
        matter = fixtures["draft_matter"]
        found.append(
            {
                "name": "application submission",
                "key": "submit",
                "request": "POST /api/v1/applications/{number}/submit, Bearer token of the "
                f"draft's applicant ({len(fixtures['appliers'])} applicants, each request "
                f"another draft of {matter['code']} {matter['name']}, "
                f"{matter['uploads_per_draft']} uploads)",
                "script": "submit.lua",
                "env": {},
                "expected_status": 200,
                "target": {
                    "kind": "ratio",
                    "value": 0.25,
                    "durable": True,
                    "text": "≥ 25% of /healthz req/s, every acknowledged submission durable",
                },
            }
        )
    if fixtures.get("supervisor"):
        found.append(
            {
                "name": "supervisors' yellow/red list",
                "key": "supervision",
                "request": "GET /workbench/cases/supervision/ (supervisor's session after "
                "password + TOTP), one client, sequential",
                "sequential": True,
                "path": "/workbench/cases/supervision/",
                "expected_status": 200,
                "target": {"kind": "latency", "value": 200, "text": "p95 ≤ 200 ms"},
            }
        )
    return found


class Drafts:
    """Hands out disjoint ranges of the prepared drafts to the submission runs (a submitted
    draft cannot be submitted again) and checks the acknowledged ones in the database."""

    def __init__(self, fixtures: dict, tokens: list[str], workdir: Path):
        self.workdir = workdir
        self.file = workdir / "drafts.txt"
        self.file.write_text(
            "".join(f"{number} {tokens[owner]}\n" for number, owner in fixtures["drafts"])
        )
        self.total = len(fixtures["drafts"])
        self.next = 1
        self.runs = 0

    def env(self, args, seconds: float, expected_rps: float) -> dict:
        """A range big enough for `seconds` at 1.5x the expected rate (at least 1/4 of what
        is left), so that no request has to re-submit a draft."""
        left = self.total - self.next + 1
        wanted = max(int(seconds * expected_rps * 1.5), left // 4, args.threads)
        first, last = self.next, min(self.total, self.next + wanted - 1)
        self.next = last + 1
        self.runs += 1
        self.current = (first, last, self.workdir / f"acked-{self.runs}.txt")
        return {
            "BENCH_DRAFTS_FILE": str(self.file),
            "BENCH_FROM": str(first),
            "BENCH_TO": str(last),
            "BENCH_THREADS": str(args.threads),
            "BENCH_ACKED_FILE": str(self.current[2]),
        }

    def verify(self, env: dict) -> dict:
        first, last, acked = self.current
        lines = self.file.read_text().splitlines()[first - 1 : last]
        offered = self.workdir / f"offered-{self.runs}.txt"
        offered.write_text("\n".join(lines) + "\n")
        done = subprocess.run(
            [
                sys.executable,
                str(BENCH_DIR / "fixtures.py"),
                "verify-submissions",
                "--numbers",
                str(offered),
                "--acked",
                str(acked),
            ],
            env=env,
            cwd=APP,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout)
        result["drafts_offered"] = len(lines)
        return result


def evaluate(scenario: dict, measured: dict, healthz: dict) -> dict:
    target = scenario["target"]
    ratio = measured["ok_rps"] / healthz["ok_rps"] if healthz["ok_rps"] else 0.0
    value = measured["ok_rps"] if target["kind"] == "rps" else ratio
    met = value >= target["value"]
    if "p99_ms" in target:
        met = met and measured["p99_ms"] <= target["p99_ms"]
    if target.get("durable"):
        met = met and measured.get("durability", {}).get("durable", False)
    clean = measured["errors"] == 0 and healthz["errors"] == 0
    return {
        "ratio_to_healthz": round(ratio, 3),
        "target_met": met,
        "clean": clean,
        "passed": met and clean,
    }


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-int(share * 1000) * len(ordered) // 1000)))
    return ordered[rank - 1]


def staff_session(base: str, port: int, staff: dict, csrf: str, next_path: str) -> dict:
    """Signs a staff member in the way a browser does: the password form, then the TOTP form."""
    import pyotp
    import requests

    https = {"X-Forwarded-Proto": "https", "Referer": f"https://{HOST}:{port}/login/"}
    cookies = {"csrftoken": csrf}
    login = requests.post(
        base + "/login/",
        data={
            "csrfmiddlewaretoken": csrf,
            "identifier": staff["username"],
            "password": staff["password"],
            "next": next_path,
        },
        headers=https,
        cookies=cookies,
        allow_redirects=False,
        timeout=30,
    )
    if login.status_code != 302 or "/login/totp/" not in login.headers["Location"]:
        raise RuntimeError(f"staff password step: {login.status_code}")
    cookies.update(login.cookies.get_dict())
    totp = requests.post(
        base + "/login/totp/",
        data={"csrfmiddlewaretoken": csrf, "code": pyotp.TOTP(staff["totp_secret"]).now()},
        headers={**https, "Referer": f"https://{HOST}:{port}/login/totp/"},
        cookies=cookies,
        allow_redirects=False,
        timeout=30,
    )
    if totp.status_code != 302 or totp.headers["Location"] != next_path:
        raise RuntimeError(f"staff TOTP step: {totp.status_code} {totp.headers.get('Location')}")
    cookies.update(totp.cookies.get_dict())
    return cookies


def run_sequential(args, path: str, cookies: dict, count: int, server_pid: int) -> dict:
    """`count` requests one after another from one client (a person at a browser); the time of
    each until its whole body has arrived."""
    import requests

    session = requests.Session()
    headers = {"X-Forwarded-Proto": "https"}
    db0 = db_snapshot(args.db)
    busy0, server0 = machine_busy_seconds(), process_tree_seconds(server_pid)
    own0 = sum(os.times()[:2])
    started = time.perf_counter()
    times, statuses, sizes = [], {}, []
    for _ in range(count):
        begin = time.perf_counter()
        response = session.get(
            f"http://{HOST}:{args.port}{path}",
            headers=headers,
            cookies=cookies,
            allow_redirects=False,
            timeout=30,
        )
        body = response.content
        times.append(1000 * (time.perf_counter() - begin))
        statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
        sizes.append(len(body))
    seconds_run = time.perf_counter() - started
    server_cpu = process_tree_seconds(server_pid) - server0
    busy = machine_busy_seconds() - busy0
    db_cpu = db_seconds_since(args.db, db0)
    client_cpu = sum(os.times()[:2]) - own0  # the client is this process
    others = max(0.0, busy - server_cpu - db_cpu - client_cpu)
    return {
        "requests": count,
        "duration_s": round(seconds_run, 3),
        "statuses": statuses,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "mean_ms": round(statistics.fmean(times), 1),
        "body_bytes": round(statistics.median(sizes)),
        "times_ms": [round(t, 1) for t in times],
        "cpu_seconds": {
            "server": round(server_cpu, 2),
            "database": round(db_cpu, 2),
            "client": round(client_cpu, 2),
            "other_programs": round(others, 2),
        },
        "other_programs_share": round(others / (seconds_run * (os.cpu_count() or 1)), 3),
    }


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wrk_version = subprocess.run(
        ["wrk", "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()[:1]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    if APP != ROOT:
        return {
            "cpus": os.cpu_count(),
            "cpu_model": cpu,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "wrk": wrk_version[0] if wrk_version else "",
            "commit": commit + " (exported with git archive)",
        }
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", "onetrip"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": wrk_version[0] if wrk_version else "",
        "commit": commit + ("+uncommitted changes in onetrip/" if dirty else ""),
    }


def cpu_ms(measured: dict) -> str:
    cpu = measured["cpu_seconds"]
    seconds = cpu["server"] + cpu.get("database", 0.0)
    return f"{1000 * seconds / max(measured['requests'], 1):.2f}"


def write_markdown(path: Path, report: dict) -> None:
    cfg = report["config"]
    loaded = [item for item in report["results"] if "healthz" in item]
    sequential = [item for item in report["results"] if "healthz" not in item]
    lines = [
        f"# Benchmark: {report['db']} — {report['started_at']}",
        "",
        f"gunicorn {cfg.get('server', str(cfg['workers']) + ' sync workers')}, "
        "`onetrip.settings.production`, "
        f"{report['db']} ({report['database']}); wrk -t{cfg['threads']} -c{cfg['connections']}, "
        f"{cfg['duration']} s per measurement after a {cfg['warmup']} s warm-up; "
        f"{report['machine']['cpus']} CPUs ({report['machine']['cpu_model']}), "
        f"commit {report['machine']['commit']}. Server and wrk share the machine. "
        f"Suites: {', '.join(cfg['suites'])}.",
        "",
    ]
    if report.get("gen"):
        gen = report["gen"]
        lines += [
            f"Data: `onetrip gen --seed {cfg['gen_seed']} --today {cfg['gen_today']}` (default "
            f"sizes; {gen['generated_cases']:,} generated cases), "
            + ("reused from" if gen["reused"] else f"made in {gen.get('gen_seconds')} s in")
            + f" {gen['template']} and copied for this run.",
            "",
        ]
    if loaded:
        lines += [
            "| scenario | req/s | p99 | /healthz req/s | /healthz p99 | ratio | target | errors "
            "| other load | result |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
        ]
    for item in loaded:
        s, h, v = item["scenario"], item["healthz"], item["verdict"]
        result = "PASS" if v["passed"] else ("FAIL (errors)" if not v["clean"] else "FAIL")
        lines.append(
            f"| {item['name']} | {s['ok_rps']:.1f} | {s['p99_ms']:.0f} ms | {h['ok_rps']:.1f} "
            f"| {h['p99_ms']:.0f} ms | {v['ratio_to_healthz']:.2f} | {item['target']['text']} "
            f"| {s['errors'] + h['errors']} "
            f"| {100 * s['other_programs_share']:.0f}% / {100 * h['other_programs_share']:.0f}% "
            f"| {result} |"
        )
    if sequential:
        lines += [
            "",
            "| scenario (one client, sequential) | requests | median | p95 | p99 | max "
            "| /healthz median | /healthz p99 | target | errors | other load | result |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
        ]
    for item in sequential:
        s, h, v = item["scenario"], item["healthz_sequential"], item["verdict"]
        result = "PASS" if v["passed"] else ("FAIL (errors)" if not v["clean"] else "FAIL")
        lines.append(
            f"| {item['name']} | {s['requests']} | {s['median_ms']:.0f} ms | {s['p95_ms']:.0f} ms "
            f"| {s['p99_ms']:.0f} ms | {s['max_ms']:.0f} ms | {h['median_ms']:.1f} ms "
            f"| {h['p99_ms']:.1f} ms | {item['target']['text']} | {v['errors']} "
            f"| {100 * s['other_programs_share']:.0f}% | {result} |"
        )
    lines += ["", "Per scenario (req/s counts only responses with the expected status):", ""]
    for item in loaded:
        s = item["scenario"]
        lines.append(
            f"- **{item['name']}** — {item['request']}; expected {s['expected_status']}; "
            f"statuses {s['statuses']}, socket errors {s['socket_errors']}; "
            f"p50 {s['p50_ms']:.0f} ms, p90 {s['p90_ms']:.0f} ms, max {s['max_ms']:.0f} ms."
        )
        if "audit" in s:
            lines.append(f"  Audit: {s['audit']['text']}")
        if "durability" in s:
            d = s["durability"]
            lines.append(
                f"  Durability: {d['acknowledged']} acknowledged (2xx) submissions; in the "
                f"database {d['submitted_in_db']} submitted, {d['submit_events_in_db']} with "
                f"their `submit` history line, {d['submit_audit_entries_in_db']} with their "
                f"`cases.application.submit` audit entry; acknowledged but missing: "
                f"{d['acknowledged_but_missing']}; submitted but not acknowledged (in flight "
                f"when wrk stopped): {d['submitted_not_acknowledged']} — "
                + ("**every acknowledged submission is durable**." if d["durable"] else "**LOST**.")
            )
    for item in sequential:
        s = item["scenario"]
        cpu = s["cpu_seconds"]
        per_request = 1000 * (cpu["server"] + cpu["database"]) / s["requests"]
        lines.append(
            f"- **{item['name']}** — {item['request']}; statuses {s['statuses']}; "
            f"page {s['body_bytes']:,} bytes; server CPU {per_request:.0f} ms per request "
            "(gunicorn + PostgreSQL backends)."
        )
        plan = item.get("explain")
        if plan:
            lines += [
                f"  The selector in-process (`case_list_for_supervision`, {plan['queries']} "
                f"queries): {plan['selector_ms_in_process']:.0f} ms, {plan['rows']} rows "
                f"{plan['colours']}, today {plan['today']}, yellow up to {plan['cutoff']}. "
                "Plan of its main query:",
                "",
                "  ```",
                *[f"  {line}" for line in plan["plan"]],
                "  ```",
            ]
    lines += [
        "",
        "*other load*: share of the machine's CPU time used by programs other than gunicorn "
        "and wrk (and the bench database's PostgreSQL backends) during the scenario / its "
        "/healthz run (other sessions share this machine; a high share lowers the numbers; the "
        "ratio is only fair when both shares are low).",
    ]
    if loaded:
        lines += [
            "",
            "CPU per request (gunicorn workers + PostgreSQL backends): "
            + "; ".join(
                f"{item['name']} {cpu_ms(item['scenario'])} ms vs /healthz "
                f"{cpu_ms(item['healthz'])} ms"
                for item in loaded
            )
            + ".",
        ]
    lines += ["", f"User tokens: {report['user_tokens']}.", ""]
    path.write_text("\n".join(lines))


def measure_wrk_scenario(args, wrk, scenario, server, env, drafts) -> dict:
    """Warm-up, /healthz, then the scenario, each with wrk; the submission check after it."""
    key = scenario["key"]
    expected = SUBMISSIONS_PER_S  # to size the draft ranges (more than we see)
    extra = drafts.env(args, args.warmup, expected) if key == "submit" else {}
    log(f"{scenario['name']}: warm-up {args.warmup:g} s")
    run_wrk(wrk, args, scenario["script"], args.warmup, {**scenario["env"], **extra})
    refresh_db_backends(args.db)
    log(f"{scenario['name']}: /healthz {args.duration:g} s")
    wait_for_quiet(args, server.pid)
    healthz = judge(run_wrk(wrk, args, "healthz.lua", args.duration, {}, server.pid), 200)
    if key == "submit":
        extra = drafts.env(args, args.duration, expected)
        log(f"  drafts {extra['BENCH_FROM']}-{extra['BENCH_TO']} of {drafts.total}")
    log(f"{scenario['name']}: {args.duration:g} s")
    wait_for_quiet(args, server.pid)
    profiler = start_profiler(args, server, key)
    measured = judge(
        run_wrk(
            wrk,
            args,
            scenario["script"],
            args.duration,
            {**scenario["env"], **extra},
            server.pid,
        ),
        scenario["expected_status"],
    )
    if profiler is not None:
        profiler.wait(timeout=60)
        measured["profile"] = str(VAR_DIR / f"profile-{args.db}-{key}.txt")
    if key == "submit":
        exhausted = re.search(r"^BENCH_EXHAUSTED (\d+)$", measured["raw"], re.M)
        measured["drafts_exhausted"] = int(exhausted.group(1)) if exhausted else None
        measured["durability"] = drafts.verify(env)
        log(f"  durability: {json.dumps(measured['durability'])}")
    verdict = evaluate(scenario, measured, healthz)
    log(
        f"  {measured['ok_rps']:.1f} req/s p99 {measured['p99_ms']:.0f} ms "
        f"(errors {measured['errors']}, statuses {measured['statuses']}); /healthz "
        f"{healthz['ok_rps']:.1f} req/s p99 {healthz['p99_ms']:.0f} ms; other programs "
        f"{100 * measured['other_programs_share']:.0f}%/"
        f"{100 * healthz['other_programs_share']:.0f}% of the CPUs; "
        f"{'PASS' if verdict['passed'] else 'FAIL'}"
    )
    return {
        "name": scenario["name"],
        "request": scenario["request"],
        "target": scenario["target"],
        "scenario": measured,
        "healthz": healthz,
        "verdict": verdict,
    }


def measure_sequential_scenario(args, scenario, server, env, base, fixtures, csrf) -> dict:
    """The supervisors' list: one person at a browser, N requests one after another."""
    supervisor = fixtures["supervisor"]
    cookies = staff_session(base, args.port, supervisor, csrf, scenario["path"])
    log(f"{scenario['name']}: warm-up (5 requests), /healthz and the list, {args.sequential} each")
    run_sequential(args, scenario["path"], cookies, 5, server.pid)
    refresh_db_backends(args.db)
    wait_for_quiet(args, server.pid)
    healthz = run_sequential(args, "/healthz", {}, args.sequential, server.pid)
    wait_for_quiet(args, server.pid)
    measured = run_sequential(args, scenario["path"], cookies, args.sequential, server.pid)
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH_DIR / "fixtures.py"),
            "explain-supervision",
            "--username",
            supervisor["username"],
        ],
        env=env,
        cwd=APP,
        check=True,
        capture_output=True,
        text=True,
    )
    explain = json.loads(done.stdout)
    errors = sum(v for k, v in measured["statuses"].items() if k != "200")
    errors += sum(v for k, v in healthz["statuses"].items() if k != "200")
    met = measured["p95_ms"] <= scenario["target"]["value"]
    verdict = {"target_met": met, "clean": errors == 0, "passed": met and errors == 0}
    verdict["errors"] = errors
    log(
        f"  median {measured['median_ms']:.0f} ms, p95 {measured['p95_ms']:.0f} ms, p99 "
        f"{measured['p99_ms']:.0f} ms (statuses {measured['statuses']}); /healthz median "
        f"{healthz['median_ms']:.1f} ms; other programs "
        f"{100 * measured['other_programs_share']:.0f}%; selector in-process "
        f"{explain['selector_ms_in_process']:.0f} ms; {'PASS' if verdict['passed'] else 'FAIL'}"
    )
    return {
        "name": scenario["name"],
        "request": scenario["request"],
        "target": scenario["target"],
        "scenario": measured,
        "healthz_sequential": healthz,
        "explain": explain,
        "verdict": verdict,
    }


def main() -> None:
    global POSTGRES_URL, REDIS_URL, APP
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--suite",
        choices=["identity", "cases", "data", "all"],
        default="all",
        help="identity: tokens, logins, /api/v1/me; cases: licence verification, application "
        "submission, the supervisors' list (needs the `onetrip gen` data set); data: exchange "
        "look-ups in the 450,000-person registry, package_search over 20,000 datasets",
    )
    parser.add_argument("--duration", type=float, default=15, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per scenario")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--timeout", type=int, default=10, help="wrk request timeout, seconds")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=180,
        help="seconds to wait for other programs to leave the CPUs before each measurement",
    )
    parser.add_argument(
        "--quiet-max",
        type=float,
        default=0.1,
        help="share of the CPUs other programs may use when a measurement starts",
    )
    parser.add_argument("--settle", type=float, default=2, help="pause after each wrk run")
    parser.add_argument("--accounts", type=int, default=16)
    parser.add_argument(
        "--only", action="append", choices=[k for keys in SUITES.values() for k in keys]
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="sample workers with py-spy")
    parser.add_argument("--no-save", action="store_true", help="print, do not write results")
    parser.add_argument(
        "--name",
        default="bench",
        help="PostgreSQL database and SQLite file name (var/bench/NAME.sqlite3); the gen data "
        "set is kept in NAME_gen / var/bench/NAME-gen-s<seed>-<today>.sqlite3",
    )
    parser.add_argument("--redis-db", type=int, default=5)
    parser.add_argument(
        "--code",
        choices=["head", "worktree"],
        default="head",
        help="run the committed code (an export of HEAD) or the working tree as it is",
    )
    parser.add_argument("--gen-seed", type=int, default=1)
    parser.add_argument("--gen-today", default="2026-11-28", help="`onetrip gen --today`")
    parser.add_argument("--licences", type=int, default=300)
    parser.add_argument("--appliers", type=int, default=16)
    parser.add_argument(
        "--drafts",
        type=int,
        default=0,
        help=f"drafts to submit (default: enough for {SUBMISSIONS_PER_S}/s)",
    )
    parser.add_argument(
        "--sequential", type=int, default=50, help="requests of the supervisors' list"
    )
    parser.add_argument("--datasets", type=int, default=data_scenarios.DATASETS)
    parser.add_argument("--exchange-ids", type=int, default=data_scenarios.ID_COUNT)
    args = parser.parse_args()
    args.port = args.port or free_port()
    args.suites = list(SUITES) if args.suite == "all" else [args.suite]
    wanted = {key for suite in args.suites for key in SUITES[suite]}
    if args.only:
        wanted &= set(args.only)
        args.suites = [suite for suite in args.suites if wanted & set(SUITES[suite])]
    if not args.drafts:
        # warm-up + measurement at up to SUBMISSIONS_PER_S, with the ranges' 1.5x margin
        args.drafts = int(SUBMISSIONS_PER_S * 1.5 * (args.warmup + args.duration)) + 1000
    POSTGRES_URL = f"{POSTGRES_SERVER}/{args.name}"
    REDIS_URL = f"redis://127.0.0.1:6379/{args.redis_db}"

    wrk = ensure_wrk()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if args.code == "head":
        APP = export_head(args)
        log(f"code: HEAD exported to {APP.relative_to(ROOT)}")
    started = datetime.datetime.now(datetime.UTC)
    base_env = server_env(args, "")
    log(f"fresh {args.db} database ({', '.join(args.suites)})")
    database_url, gen = prepare_database(args, base_env)
    env = {**base_env, "DATABASE_URL": database_url}
    log("migrate + collectstatic")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    command = [sys.executable, str(BENCH_DIR / "fixtures.py"), "--accounts", str(args.accounts)]
    described = [f"{args.accounts} accounts (person_register), 2 OAuth clients (DOT model)"]
    if "verify" in wanted:
        command += ["--licences", str(args.licences)]
        described.append(f"{args.licences} licences (licence_issue, new Ed25519 keys)")
    if "submit" in wanted:
        command += ["--appliers", str(args.appliers), "--drafts", str(args.drafts)]
        described.append(f"{args.drafts} drafts of {args.appliers} L2 applicants (case_create)")
    if "supervision" in wanted:
        command += ["--supervisor"]
        described.append("a supervisor with TOTP (staff_create)")
    log("fixtures: " + "; ".join(described))
    fixture_started = time.monotonic()
    made = subprocess.run(command, env=env, cwd=APP, check=True, capture_output=True, text=True)
    fixtures = json.loads(made.stdout)
    log(f"  fixtures took {time.monotonic() - fixture_started:.0f} s")
    workdir = Path(tempfile.mkdtemp(prefix=f"{args.name}-", dir=VAR_DIR))
    data = data_scenarios.setup(args, env, APP, workdir) if "data" in args.suites else None
    log(f"gunicorn: {server_shape(args)} on {HOST}:{args.port}")
    server = start_gunicorn(args, env)
    base = f"http://{HOST}:{args.port}"
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    results = []
    try:
        tokens = [
            user_token(base, args.port, account, fixtures["authorization_code"], csrf)
            for account in fixtures["accounts"][:8]
        ]
        log(f"{len(tokens)} user tokens from the authorization-code + PKCE flow")
        drafts = None
        if fixtures.get("drafts"):
            applier_tokens = [
                user_token(base, args.port, account, fixtures["authorization_code"], csrf)
                for account in fixtures["appliers"]
            ]
            log(f"{len(applier_tokens)} applicants' tokens from the same flow")
            drafts = Drafts(fixtures, applier_tokens, workdir)
        log("warm-up /healthz")
        run_wrk(wrk, args, "healthz.lua", args.warmup, {})
        for scenario in [
            *scenarios(fixtures, tokens, csrf, args.port),
            *data_scenarios.scenarios(data, base, APP),
        ]:
            if scenario["key"] not in wanted:
                continue
            if scenario.get("measure"):
                results.append(
                    scenario["measure"](sys.modules[__name__], args, wrk, scenario, server, env)
                )
            elif scenario.get("sequential"):
                results.append(
                    measure_sequential_scenario(args, scenario, server, env, base, fixtures, csrf)
                )
            else:
                results.append(measure_wrk_scenario(args, wrk, scenario, server, env, drafts))
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)

    report = {
        "db": args.db,
        "database": f"SQLite (WAL) file var/bench/{args.name}.sqlite3"
        if args.db == "sqlite"
        else f"PostgreSQL database {args.name}, Redis db {args.redis_db}",
        "started_at": started.strftime("%Y-%m-%d %H:%M UTC"),
        "config": {
            "workers": args.workers,
            "server": server_shape(args),
            "threads": args.threads,
            "connections": args.connections,
            "duration": args.duration,
            "warmup": args.warmup,
            "settings": "onetrip.settings.production",
            "client_secret_hasher": fixtures["client_secret_hasher"],
            "suites": args.suites,
            "code": args.code,
            "gen_seed": args.gen_seed,
            "gen_today": args.gen_today,
            "licences": len(fixtures.get("licences", [])),
            "licence_algs": fixtures.get("licence_algs", []),
            "drafts": len(fixtures.get("drafts", [])),
            "draft_matter": fixtures.get("draft_matter"),
            "sequential_requests": args.sequential,
        },
        "machine": machine(),
        "gen": gen,
        "data": {k: v for k, v in (data or {}).items() if k != "client_secret"} or None,
        "user_tokens": "issued by the real authorization-code + PKCE flow "
        "(/o/authorize/ after the login form, then /o/token/), one per user",
        "results": results,
    }
    if args.no_save:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    # A one-suite run has its own LATEST file, so it does not replace the other suites' table.
    label = f"{args.db}-{args.suites[0]}" if len(args.suites) == 1 else args.db
    (RESULTS_DIR / f"{stamp}-{label}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    )
    write_markdown(RESULTS_DIR / f"LATEST-{label}.md", report)
    log(f"results: bench/results/{stamp}-{label}.json, bench/results/LATEST-{label}.md")
    if not all(item["verdict"]["passed"] for item in results):
        log("some targets were missed or had errors (see the table)")


if __name__ == "__main__":
    main()
