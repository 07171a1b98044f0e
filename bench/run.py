"""OneTrip benchmark: serve the app the production way and load it with wrk.

    make bench                               # SQLite (file under var/bench/)
    make bench BENCH_ARGS="--db postgres"    # PostgreSQL database `bench` (+ Redis db 5)

Every run starts from a fresh database, migrates it, creates its fixtures through the app's
own services, starts gunicorn with production settings on 127.0.0.1 and measures each scenario
next to /healthz on the same server. See bench/README.md for how to read the results.
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
import string
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
LUA_DIR = BENCH_DIR / "lua"
RESULTS_DIR = BENCH_DIR / "results"
VAR_DIR = ROOT / "var" / "bench"
HOST = "127.0.0.1"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench"
REDIS_URL = "redis://127.0.0.1:6379/5"

# Sync workers on a 2-core machine: see README ("Worker count"). Logins are CPU-bound
# (Argon2id), token and API requests wait on the database between short bursts of Python;
# 4 workers keep both cores busy while one worker waits, without paying for
# context switches and memory (4 x 19 MiB Argon2 buffers) that more workers would add.
DEFAULT_WORKERS = 4


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


def wait_for_quiet(args, server_pid: int) -> float:
    """Waits (up to --quiet-wait s) until other programs use < --quiet-max of the CPUs."""
    deadline = time.monotonic() + args.quiet_wait
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
    busy0, server0 = machine_busy_seconds(), process_tree_seconds(server_pid)
    db0 = db_seconds()
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
    db_cpu = db_seconds() - db0
    busy = machine_busy_seconds() - busy0
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


def prepare_database(db: str) -> str:
    if db == "sqlite":
        path = VAR_DIR / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg
    from psycopg import sql

    admin_url = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        name = sql.Identifier(POSTGRES_URL.rsplit("/", 1)[1])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return POSTGRES_URL


def server_env(args, database_url: str) -> dict:
    alphabet = string.ascii_letters + string.digits
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onetrip.settings.production",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
        "ALLOWED_HOSTS": HOST,
        "ONETRIP_VAR_DIR": str(VAR_DIR),
        "DATABASE_URL": database_url,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if args.db == "postgres":
        env["REDIS_URL"] = REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env: dict, *command: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *command],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_gunicorn(args, env: dict) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    errors = open(VAR_DIR / f"gunicorn-{args.db}.log", "w")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "onetrip.wsgi:application",
            "--bind",
            f"{HOST}:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        env=env,
        cwd=ROOT,
        stdout=errors,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited; see {VAR_DIR}/gunicorn-{args.db}.log")
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
    return [
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


def evaluate(scenario: dict, measured: dict, healthz: dict) -> dict:
    target = scenario["target"]
    ratio = measured["ok_rps"] / healthz["ok_rps"] if healthz["ok_rps"] else 0.0
    value = measured["ok_rps"] if target["kind"] == "rps" else ratio
    clean = measured["errors"] == 0 and healthz["errors"] == 0
    return {
        "ratio_to_healthz": round(ratio, 3),
        "target_met": value >= target["value"],
        "clean": clean,
        "passed": value >= target["value"] and clean,
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
    lines = [
        f"# Benchmark: {report['db']} — {report['started_at']}",
        "",
        f"gunicorn {cfg['workers']} sync workers, `onetrip.settings.production`, "
        f"{report['db']} ({report['database']}); wrk -t{cfg['threads']} -c{cfg['connections']}, "
        f"{cfg['duration']} s per measurement after a {cfg['warmup']} s warm-up; "
        f"{report['machine']['cpus']} CPUs ({report['machine']['cpu_model']}), "
        f"commit {report['machine']['commit']}. Server and wrk share the machine.",
        "",
        "| scenario | req/s | p99 | /healthz req/s | /healthz p99 | ratio | target | errors "
        "| other load | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for item in report["results"]:
        s, h, v = item["scenario"], item["healthz"], item["verdict"]
        result = "PASS" if v["passed"] else ("FAIL (errors)" if not v["clean"] else "FAIL")
        lines.append(
            f"| {item['name']} | {s['ok_rps']:.1f} | {s['p99_ms']:.0f} ms | {h['ok_rps']:.1f} "
            f"| {h['p99_ms']:.0f} ms | {v['ratio_to_healthz']:.2f} | {item['target']['text']} "
            f"| {s['errors'] + h['errors']} "
            f"| {100 * s['other_programs_share']:.0f}% / {100 * h['other_programs_share']:.0f}% "
            f"| {result} |"
        )
    lines += ["", "Per scenario (req/s counts only responses with the expected status):", ""]
    for item in report["results"]:
        s = item["scenario"]
        lines.append(
            f"- **{item['name']}** — {item['request']}; expected {s['expected_status']}; "
            f"statuses {s['statuses']}, socket errors {s['socket_errors']}; "
            f"p50 {s['p50_ms']:.0f} ms, p90 {s['p90_ms']:.0f} ms, max {s['max_ms']:.0f} ms."
        )
    lines += [
        "",
        "*other load*: share of the machine's CPU time used by programs other than gunicorn "
        "and wrk during the scenario / its /healthz run (other sessions share this machine; "
        "a high share lowers the numbers; the ratio is only fair when both shares are low).",
    ]
    lines += [
        "",
        "CPU per request (gunicorn workers + PostgreSQL backends): "
        + "; ".join(
            f"{item['name']} {cpu_ms(item['scenario'])} ms vs /healthz {cpu_ms(item['healthz'])} ms"
            for item in report["results"]
        )
        + ".",
    ]
    lines += ["", f"User tokens for /api/v1/me: {report['user_tokens']}.", ""]
    path.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=15, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per scenario")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=2)
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
    parser.add_argument("--only", action="append", choices=["token", "login", "me"])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="sample workers with py-spy")
    parser.add_argument("--no-save", action="store_true", help="print, do not write results")
    args = parser.parse_args()
    args.port = args.port or free_port()

    wrk = ensure_wrk()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    log(f"fresh {args.db} database")
    database_url = prepare_database(args.db)
    env = server_env(args, database_url)
    log("migrate + collectstatic")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    log(f"fixtures: {args.accounts} accounts (person_register), 2 OAuth clients (DOT model)")
    fixtures = json.loads(
        subprocess.run(
            [sys.executable, str(BENCH_DIR / "fixtures.py"), "--accounts", str(args.accounts)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    log(f"gunicorn: {args.workers} sync workers on {HOST}:{args.port}")
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
        log("warm-up /healthz")
        run_wrk(wrk, args, "healthz.lua", args.warmup, {})
        for scenario in scenarios(fixtures, tokens, csrf, args.port):
            if args.only and scenario["key"] not in args.only:
                continue
            log(f"{scenario['name']}: warm-up {args.warmup:g} s")
            run_wrk(wrk, args, scenario["script"], args.warmup, scenario["env"])
            refresh_db_backends(args.db)
            log(f"{scenario['name']}: /healthz {args.duration:g} s")
            wait_for_quiet(args, server.pid)
            healthz = judge(run_wrk(wrk, args, "healthz.lua", args.duration, {}, server.pid), 200)
            log(f"{scenario['name']}: {args.duration:g} s")
            wait_for_quiet(args, server.pid)
            profiler = start_profiler(args, server, scenario["key"])
            measured = judge(
                run_wrk(wrk, args, scenario["script"], args.duration, scenario["env"], server.pid),
                scenario["expected_status"],
            )
            if profiler is not None:
                profiler.wait(timeout=60)
                measured["profile"] = str(VAR_DIR / f"profile-{args.db}-{scenario['key']}.txt")
            verdict = evaluate(scenario, measured, healthz)
            log(
                f"  {measured['ok_rps']:.1f} req/s p99 {measured['p99_ms']:.0f} ms "
                f"(errors {measured['errors']}, statuses {measured['statuses']}); /healthz "
                f"{healthz['ok_rps']:.1f} req/s p99 {healthz['p99_ms']:.0f} ms; other programs "
                f"{100 * measured['other_programs_share']:.0f}%/"
                f"{100 * healthz['other_programs_share']:.0f}% of the CPUs; "
                f"{'PASS' if verdict['passed'] else 'FAIL'}"
            )
            results.append(
                {
                    "name": scenario["name"],
                    "request": scenario["request"],
                    "target": scenario["target"],
                    "scenario": measured,
                    "healthz": healthz,
                    "verdict": verdict,
                }
            )
    finally:
        stop(server)

    report = {
        "db": args.db,
        "database": "SQLite (WAL) file var/bench/bench.sqlite3"
        if args.db == "sqlite"
        else "PostgreSQL database bench, Redis db 5",
        "started_at": started.strftime("%Y-%m-%d %H:%M UTC"),
        "config": {
            "workers": args.workers,
            "threads": args.threads,
            "connections": args.connections,
            "duration": args.duration,
            "warmup": args.warmup,
            "settings": "onetrip.settings.production",
            "client_secret_hasher": fixtures["client_secret_hasher"],
        },
        "machine": machine(),
        "user_tokens": "issued by the real authorization-code + PKCE flow "
        "(/o/authorize/ after the login form, then /o/token/), one per user",
        "results": results,
    }
    if args.no_save:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"{stamp}-{args.db}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    )
    write_markdown(RESULTS_DIR / f"LATEST-{args.db}.md", report)
    log(f"results: bench/results/{stamp}-{args.db}.json, bench/results/LATEST-{args.db}.md")
    if not all(item["verdict"]["passed"] for item in results):
        log("some targets were missed or had errors (see the table)")


if __name__ == "__main__":
    main()
