"""The `onetrip` operator command: a thin wrapper over Django management commands.

onetrip demo                 set up and serve the demo county
onetrip serve                serve with gunicorn (production way)
onetrip oidc-client add ...  register an OIDC client
onetrip user add ...         create an account
onetrip audit verify         check the audit hash chain
onetrip <django command>     anything manage.py can do
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onetrip.settings.base")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    from django.core.management import execute_from_command_line

    command = argv[0].replace("-", "_")
    execute_from_command_line(["onetrip", command, *argv[1:]])


if __name__ == "__main__":
    main()
