"""The layering rule of docs/ARCHITECTURE.md: apps import only downwards."""

import ast
from pathlib import Path

ONETRIP = Path(__file__).resolve().parents[2]

BELOW = {
    "core": set(),
    "regions": {"core"},
    "departments": {"core", "regions"},
    "registries": {"core", "regions"},
    "datasets": {"core", "regions", "departments", "registries"},
    "spatial": {"core", "regions", "departments", "registries"},
    "accounts": {"core", "regions", "departments", "registries"},
    "notify": {"core"},
    "workdays": {"core"},
    "signing": {"core", "regions", "departments"},
    "licences": {"core", "regions", "departments", "registries", "accounts", "signing"},
    "identity": {"core", "regions", "departments", "registries", "accounts", "notify"},
    "catalogue": {
        "core",
        "regions",
        "departments",
        "registries",
        "accounts",
        "identity",
        "notify",
        "workdays",
        "signing",
        "datasets",  # publishing checks ID-only sources against the data catalogue
    },
    "credit": {"core", "regions", "departments", "registries", "datasets"},
    # Data objections: a subject's records (datasets) corrected by the owner's data officers.
    "objections": {
        "core",
        "regions",
        "departments",
        "registries",
        "datasets",
        "accounts",
        "identity",  # the API's sign-in
        "notify",
        "workdays",
        "credit",  # objections to credit records (信用信息异议) withdraw them when upheld
    },
    # Public payment: orders, the gateway, reconciliation; told nothing of what it charges for.
    "payments": {
        "core",
        "regions",
        "departments",
        "registries",
        "datasets",  # masking rules for the Excel export
        "accounts",
        "identity",  # the API's sign-in
        "notify",
    },
    # Open-data requests (数据需求与纠错), answered by the data's owner department.
    "datarequests": {
        "core",
        "regions",
        "departments",
        "registries",
        "datasets",
        "accounts",
        "notify",
        "workdays",
    },
    # The exchange (support layer) reads e-licences for ID-only handling.
    "exchange": {
        "core",
        "regions",
        "departments",
        "registries",
        "datasets",
        "accounts",
        "identity",
        "notify",
        "signing",
        "licences",
        "objections",  # fields under objection are marked in the answers
    },
    "cases": {
        "core",
        "regions",
        "departments",
        "registries",
        "accounts",
        "identity",
        "notify",
        "workdays",
        "signing",
        "catalogue",
        "licences",
        "credit",
        "datasets",
        "exchange",
        "payments",  # fees charged on a case (缴费)
    },
    "bundles": {
        "core",
        "regions",
        "departments",
        "registries",
        "accounts",
        "identity",
        "notify",
        "workdays",
        "signing",
        "catalogue",
        "licences",
        "credit",
        "datasets",
        "exchange",
        "payments",
        "cases",
    },
}
# ratings (好差评) and statistics sit on cases in the applications layer.
BELOW["ratings"] = BELOW["cases"] | {"cases"}
BELOW["statistics"] = BELOW["ratings"] | {"ratings"}
# The e-archive packages closed cases: it reads cases, cases never read it.
BELOW["archive"] = BELOW["cases"] | {"cases"}
# Appointments at the halls: the catalogue's matters and the halls, not cases (the clerk starts
# the counter intake from an appointment through a link).
BELOW["appointments"] = BELOW["catalogue"] | {"catalogue"}
CHANNELS = {"portal", "workbench", "demo", "gen", "opendata"}  # demo, gen: data loaders, on top


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name.split(".")[1] for name in names if name.startswith("onetrip.") and "." in name}


def test_apps_import_only_lower_layers():
    known = set(BELOW) | CHANNELS
    violations = []
    for app_dir in sorted(p for p in ONETRIP.iterdir() if (p / "apps.py").exists()):
        app = app_dir.name
        assert app in known, f"{app} is not placed in a layer in docs/ARCHITECTURE.md"
        if app in CHANNELS:
            continue
        allowed = BELOW[app] | {app}
        for source in app_dir.rglob("*.py"):
            if "tests" in source.parts or "migrations" in source.parts:
                continue
            for imported in imported_apps(source) - allowed:
                if imported in known:
                    violations.append(f"{source.relative_to(ONETRIP)} imports onetrip.{imported}")
    assert violations == []
