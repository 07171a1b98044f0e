"""The data suite of the benchmark (`--suite data`): exchange look-ups and package_search.

Used two ways:

- imported by bench/run.py (no Django here): `setup()` prepares the data and the exchange
  client, `scenarios()` gets the client's token and describes the two scenarios, each with its
  own `measure` (warm-up, /healthz, the scenario, and for the exchange the audit check);
- run as a script with the server's environment (production settings, the bench database):

      data_scenarios.py setup --ids 4000 --ids-file FILE --queries-file FILE
      data_scenarios.py audit-count

setup (after `onetrip gen --only persons --datasets 20000`, which run.py runs first):
- the open-data portal publishes the generated datasets (`opendata.services.opendata_sync`,
  what a public read does once per ONETRIP_OPENDATA_SYNC_SECONDS), so the first measured
  request does not pay for 20,000 publications;
- an exchange client for a department that does not own POP-BASE, registered with the real
  shell command `onetrip exchange client add`, and a grant on POP-BASE with `onetrip exchange
  grant` (operator grant, approved at once) for six fields, four of them masked, with a rate
  limit and a daily quota raised for the benchmark (`--rate 1000000 --quota 100000000`: the
  defaults, 600 per minute and 100,000 a day, would answer 429 after the first second);
- a file of citizen IDs: every k-th of the registry's 450,000 persons (ordered by id), so the
  look-ups are spread over the whole table;
- a file of package_search queries (free text, fq by organization / tags / groups, rows 10 to
  100, start up to deep pages, several sorts) built from what was published.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
KEYS = ("exchange", "package_search")
DATASETS = 20_000
ID_COUNT = 4000
GRANT_FIELDS = ("id_number", "name", "gender", "birth_date", "household_region", "address")
GRANT_CLEAR = ("gender", "household_region")
CLIENT_NAME = "bench-exchange"
RATE_PER_MINUTE = 1_000_000
DAILY_QUOTA = 100_000_000


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- run by bench/run.py --------------------------------------------------------------------


def setup(args, env: dict, app: Path, workdir: Path) -> dict:
    """`onetrip gen` (persons + datasets), then the fixtures above in a subprocess."""
    started = time.monotonic()
    log(
        f"data: onetrip gen --only persons --datasets {args.datasets} --seed {args.gen_seed} "
        f"--today {args.gen_today}"
    )
    gen = subprocess.run(
        [
            sys.executable,
            str(app / "manage.py"),
            "gen",
            "--no-migrate",
            "--only",
            "persons",
            "--datasets",
            str(args.datasets),
            "--seed",
            str(args.gen_seed),
            "--today",
            args.gen_today,
        ],
        env=env,
        cwd=app,
        check=True,
        capture_output=True,
        text=True,
    )
    gen_seconds = round(time.monotonic() - started, 1)
    ids_file, queries_file = workdir / "citizen-ids.txt", workdir / "package-queries.txt"
    made = subprocess.run(
        [
            sys.executable,
            str(BENCH_DIR / "data_scenarios.py"),
            "setup",
            "--ids",
            str(args.exchange_ids),
            "--ids-file",
            str(ids_file),
            "--queries-file",
            str(queries_file),
        ],
        env=env,
        cwd=app,
        check=True,
        capture_output=True,
        text=True,
    )
    fixtures = json.loads(made.stdout)
    fixtures["gen_output"] = gen.stdout.strip().splitlines()[-6:]
    fixtures["gen_seconds"] = gen_seconds
    fixtures["ids_file"], fixtures["queries_file"] = str(ids_file), str(queries_file)
    log(
        f"  {fixtures['persons']:,} persons, {fixtures['published']:,} published datasets "
        f"({fixtures['published_now']:,} by this sync), client {fixtures['client_id'][:8]}… of "
        f"{fixtures['client_department']} granted POP-BASE "
        f"{','.join(GRANT_FIELDS)}; {len(fixtures['queries'])} search queries; "
        f"{time.monotonic() - started:.0f} s"
    )
    return fixtures


def client_token(base: str, fixtures: dict) -> str:
    """A client-credentials token with scope exchange, through the real /o/token/."""
    import requests

    response = requests.post(
        base + "/o/token/",
        data={"grant_type": "client_credentials", "scope": "exchange"},
        auth=(fixtures["client_id"], fixtures["client_secret"]),
        headers={"X-Forwarded-Proto": "https"},
        timeout=30,
    )
    if response.status_code != 200:
        raise RuntimeError(f"exchange client token: {response.status_code} {response.text}")
    return response.json()["access_token"]


def audit_count(env: dict, app: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(BENCH_DIR / "data_scenarios.py"), "audit-count"],
        env=env,
        cwd=app,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def scenarios(fixtures: dict | None, base: str, app: Path) -> list[dict]:
    if not fixtures:
        return []
    token = client_token(base, fixtures)
    ids = len(Path(fixtures["ids_file"]).read_text().split())
    return [
        {
            "name": "exchange look-ups",
            "key": "exchange",
            "request": "GET /api/v1/exchange/datasets/POP-BASE/records?id_number=…, Bearer "
            f"client-credentials token (scope exchange) of {fixtures['client_department']}'s "
            f"system; {ids:,} citizen IDs of the {fixtures['persons']:,}-person registry "
            f"round-robin; grant check, {len(GRANT_FIELDS)} fields "
            f"({len(GRANT_FIELDS) - len(GRANT_CLEAR)} masked), rate limit, quota, audit entry",
            "script": "exchange.lua",
            "env": {"BENCH_TOKEN": token, "BENCH_IDS_FILE": fixtures["ids_file"]},
            "expected_status": 200,
            "target": {
                "kind": "ratio",
                "value": 0.4,
                "p99_ms": 50,
                "text": "≥ 40% of /healthz req/s and p99 ≤ 50 ms",
            },
            "measure": lambda harness, args, wrk, scenario, server, env: measure(
                harness, args, wrk, scenario, server, env, app, audited=True
            ),
        },
        {
            "name": "package_search",
            "key": "package_search",
            "request": "GET /opendata/api/3/action/package_search over "
            f"{fixtures['published']:,} published datasets, {len(fixtures['queries'])} "
            "queries round-robin (q free text, fq organization/tags/groups, rows 10–100, "
            "start up to deep pages, sort)",
            "script": "package_search.lua",
            "env": {"BENCH_QUERIES_FILE": fixtures["queries_file"]},
            "expected_status": 200,
            "target": {"kind": "ratio", "value": 0.0, "p99_ms": 50, "text": "p99 ≤ 50 ms"},
            "measure": lambda harness, args, wrk, scenario, server, env: measure(
                harness, args, wrk, scenario, server, env, app, audited=False
            ),
        },
    ]


def measure(harness, args, wrk, scenario, server, env, app: Path, *, audited: bool) -> dict:
    """Like run.py's measure_wrk_scenario (warm-up, /healthz, the scenario), and for the
    exchange: the audit entries written during the measured run against its 200s."""
    name, script = scenario["name"], scenario["script"]
    log(f"{name}: warm-up {args.warmup:g} s")
    harness.run_wrk(wrk, args, script, args.warmup, scenario["env"])
    harness.refresh_db_backends(args.db)
    log(f"{name}: /healthz {args.duration:g} s")
    harness.wait_for_quiet(args, server.pid)
    healthz = harness.judge(
        harness.run_wrk(wrk, args, "healthz.lua", args.duration, {}, server.pid), 200
    )
    log(f"{name}: {args.duration:g} s")
    harness.wait_for_quiet(args, server.pid)
    before = audit_count(env, app) if audited else None
    profiler = harness.start_profiler(args, server, scenario["key"])
    measured = harness.judge(
        harness.run_wrk(wrk, args, script, args.duration, scenario["env"], server.pid),
        scenario["expected_status"],
    )
    if profiler is not None:
        profiler.wait(timeout=60)
        measured["profile"] = str(harness.VAR_DIR / f"profile-{args.db}-{scenario['key']}.txt")
    verdict = harness.evaluate(scenario, measured, healthz)
    if audited:
        # run_wrk waited --settle s: requests still queued when wrk stopped are done (and
        # audited, though wrk never saw their answers: at most one per connection).
        # Calls are audited through the write-behind buffer (decision 0012): count until the
        # number stops growing, and say how long after wrk stopped that was.
        after, settled_after = audit_count(env, app), 0.0
        started = time.monotonic()
        while time.monotonic() - started < 20:
            time.sleep(1)
            again = audit_count(env, app)
            if again == after:
                break
            after, settled_after = again, time.monotonic() - started
        calls = after["exchange.call"] - before["exchange.call"]
        refused = after["exchange.call.refused"] - before["exchange.call.refused"]
        answered = sum(measured["statuses"].values())
        in_flight = calls + refused - answered
        ok = calls >= measured["ok"] and 0 <= in_flight <= args.connections
        measured["audit"] = {
            "exchange_call_entries": calls,
            "exchange_call_refused_entries": refused,
            "responses_200": measured["ok"],
            "responses_total": answered,
            "audited_after_wrk_stopped": in_flight,
            "every_call_audited": ok,
            "settled_seconds_after_first_count": round(settled_after, 1),
            "text": f"{calls:,} `exchange.call` audit entries (+{refused} refused) written "
            f"during the run for {measured['ok']:,} answered 200s"
            + (f" and {in_flight} requests in flight when wrk stopped" if in_flight else "")
            + (" — every call audited" if ok else " — **MISMATCH**")
            + (
                f" (the count still grew for {settled_after:.0f} s after the first count)."
                if settled_after
                else "."
            ),
        }
        verdict["every_call_audited"] = ok
        verdict["passed"] = verdict["passed"] and ok
        log(f"  audit: {measured['audit']['text']}")
    log(
        f"  {measured['ok_rps']:.1f} req/s p99 {measured['p99_ms']:.0f} ms "
        f"(errors {measured['errors']}, statuses {measured['statuses']}); /healthz "
        f"{healthz['ok_rps']:.1f} req/s p99 {healthz['p99_ms']:.0f} ms; other programs "
        f"{100 * measured['other_programs_share']:.0f}%/"
        f"{100 * healthz['other_programs_share']:.0f}% of the CPUs; "
        f"{'PASS' if verdict['passed'] else 'FAIL'}"
    )
    return {
        "name": name,
        "request": scenario["request"],
        "target": scenario["target"],
        "scenario": measured,
        "healthz": healthz,
        "verdict": verdict,
    }


# --- run as a script, inside the app ----------------------------------------------------------


def _django():
    sys.path.insert(0, os.environ.get("BENCH_APP_DIR") or str(BENCH_DIR.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onetrip.settings.production")
    import django

    django.setup()


def _queries(organizations: list[str], tags: list[str], groups: list[str], count) -> list:
    """A fixed mix of package_search parameter sets (deterministic)."""
    words = ["空气", "学校", "养老", "停车", "医疗", "公交", "景区", "防汛", "许可", "2024"]
    sorts = ["", "name asc", "metadata_modified desc", "title_string asc", "metadata_created desc"]
    found = []
    for k in range(40):
        params: dict = {}
        kind = k % 8
        if kind == 0:
            pass  # the default page: newest first, 10 rows
        elif kind == 1:
            params["q"] = words[k % len(words)]
        elif kind == 2:
            params["fq"] = f"organization:{organizations[k % len(organizations)]}"
        elif kind == 3:
            params["fq"] = f"tags:{tags[k % len(tags)]}"
        elif kind == 4:
            params["fq"] = f"groups:{groups[k % len(groups)]}"
        elif kind == 5:
            params["q"] = words[k % len(words)]
            params["fq"] = f"organization:{organizations[(3 * k) % len(organizations)]}"
        elif kind == 6:
            params["q"] = f"{words[k % len(words)]} {words[(k + 3) % len(words)]}"
        else:
            params["fq"] = f"groups:{groups[k % len(groups)]} -tags:{tags[(k + 1) % len(tags)]}"
        params["rows"] = (10, 20, 50, 100)[k % 4]
        # Every fifth query asks for a deep page (a third, two thirds or the last page of
        # what the query finds).
        if k % 5 == 4:
            found_count = count(params.get("q", ""), params.get("fq", ""))
            params["start"] = max(0, found_count - params["rows"]) * (k % 3 + 1) // 3
        elif k % 3 == 1:
            params["start"] = params["rows"] * (k % 7)
        sort = sorts[k % len(sorts)]
        if sort:
            params["sort"] = sort
        found.append("/opendata/api/3/action/package_search?" + urlencode(params))
    return found


def _setup(options) -> dict:
    from io import StringIO

    from django.core.management import call_command

    from onetrip.datasets.models import Dataset
    from onetrip.departments.models import Department
    from onetrip.opendata import selectors as opendata_selectors
    from onetrip.opendata import services as opendata_services
    from onetrip.opendata.models import OpenDataset
    from onetrip.registries.models import PopulationRecord

    synced = opendata_services.opendata_sync(actor="bench fixtures")
    public = OpenDataset.objects.filter(is_public=True)
    organizations = sorted(set(public.values_list("organization", flat=True)))
    tags, groups = set(), set()
    for tag_text, group_text in public.values_list("tags", "groups").iterator(chunk_size=5000):
        tags.update(filter(None, tag_text.split("|")))
        groups.update(filter(None, group_text.split("|")))

    population = Dataset.objects.get(code="POP-BASE")
    department = (
        Department.objects.filter(is_active=True).exclude(pk=population.owner_id).order_by("code")
    ).first()
    out = StringIO()
    call_command(
        "exchange", "client", "add", "--department", department.code, "--name", CLIENT_NAME,
        stdout=out,
    )  # fmt: skip
    printed = dict(line.split("=", 1) for line in out.getvalue().split())
    out = StringIO()
    call_command(
        "exchange", "grant", "--client", printed["client_id"], "--dataset", "POP-BASE",
        "--fields", ",".join(GRANT_FIELDS), "--clear", ",".join(GRANT_CLEAR),
        "--purpose", "benchmark: look-ups by citizen ID", "--days", "30",
        "--rate", str(RATE_PER_MINUTE), "--quota", str(DAILY_QUOTA),
        stdout=out,
    )  # fmt: skip

    numbers = list(
        PopulationRecord.objects.order_by("id").values_list("id_number", flat=True).iterator(20000)
    )
    step = max(1, len(numbers) // options.ids)
    chosen = numbers[::step][: options.ids]
    Path(options.ids_file).write_text("\n".join(chosen) + "\n")
    total = public.count()

    def count(q: str, fq: str) -> int:
        return opendata_selectors.package_search(q=q, fq=fq, rows=0)[0]

    queries = _queries(organizations, sorted(tags), sorted(groups), count)
    Path(options.queries_file).write_text("\n".join(queries) + "\n")
    return {
        "persons": len(numbers),
        "published": total,
        "published_now": synced["published"],
        "organizations": len(organizations),
        "tags": len(tags),
        "groups": len(groups),
        "client_id": printed["client_id"],
        "client_secret": printed["client_secret"],
        "client_department": department.code,
        "grant": out.getvalue().strip(),
        "grant_fields": list(GRANT_FIELDS),
        "grant_clear": list(GRANT_CLEAR),
        "rate_per_minute": RATE_PER_MINUTE,
        "daily_quota": DAILY_QUOTA,
        "ids": len(chosen),
        "queries": queries,
    }


def _audit_count() -> dict:
    from django.db.models import Count

    from onetrip.core.models import AuditEntry

    counts = dict(
        AuditEntry.objects.filter(action__in=["exchange.call", "exchange.call.refused"])
        .values_list("action")
        .annotate(n=Count("id"))
        .values_list("action", "n")
    )
    return {action: counts.get(action, 0) for action in ("exchange.call", "exchange.call.refused")}


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("setup")
    make.add_argument("--ids", type=int, default=ID_COUNT)
    make.add_argument("--ids-file", required=True)
    make.add_argument("--queries-file", required=True)
    sub.add_parser("audit-count")
    options = parser.parse_args()
    _django()
    result = _setup(options) if options.command == "setup" else _audit_count()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
