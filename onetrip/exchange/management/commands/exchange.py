"""`onetrip exchange client add|list`, `onetrip exchange grant`, `onetrip exchange revoke`:
register departments' systems and grant or revoke their access from the shell."""

from django.core.management.base import BaseCommand, CommandError

from onetrip.core.errors import DomainError
from onetrip.datasets.models import Dataset
from onetrip.departments.selectors import department_find
from onetrip.exchange import services
from onetrip.exchange.models import ExchangeClient


def _csv(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class Command(BaseCommand):
    help = "Exchange clients and grants: client add|list, grant, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        client = sub.add_parser("client", help="register or list a department's systems")
        client_sub = client.add_subparsers(dest="client_action", required=True)
        add = client_sub.add_parser("add", help="prints client_id=... and client_secret=...")
        add.add_argument("--department", required=True, help="department code or full name")
        add.add_argument("--name", required=True, help="the system's name")
        client_sub.add_parser("list", help="show the registered systems")
        grant = sub.add_parser("grant", help="grant a client fields of a dataset (approved)")
        grant.add_argument("--client", required=True, help="the client_id")
        grant.add_argument("--dataset", required=True, help="dataset code, e.g. POP-BASE")
        grant.add_argument("--fields", required=True, help="comma-separated field names")
        grant.add_argument("--clear", default="", help="fields given in clear text (a,b)")
        grant.add_argument("--purpose", default="operator grant")
        grant.add_argument("--legal-basis", default="")
        grant.add_argument("--days", type=int, default=365)
        grant.add_argument("--rate", type=int, default=None, help="requests per minute")
        grant.add_argument("--quota", type=int, default=None, help="requests per day")
        revoke = sub.add_parser("revoke", help="revoke a client's grants on a dataset now")
        revoke.add_argument("--client", required=True)
        revoke.add_argument("--dataset", required=True)

    def _client(self, client_id: str) -> ExchangeClient:
        client = (
            ExchangeClient.objects.select_related("department", "application")
            .filter(application__client_id=client_id)
            .first()
        )
        if client is None:
            raise CommandError(f"No exchange client with client_id {client_id}.")
        return client

    def _dataset(self, code: str) -> Dataset:
        dataset = Dataset.objects.filter(code=code).first()
        if dataset is None:
            raise CommandError(f"No dataset with code {code}.")
        return dataset

    def handle(self, *args, action, **options):
        try:
            if action == "client":
                return self._client_action(options)
            if action == "grant":
                grant = services.grant_request(
                    actor="cli",
                    operator=True,
                    client=self._client(options["client"]),
                    dataset=self._dataset(options["dataset"]),
                    fields=_csv(options["fields"]),
                    clear_fields=_csv(options["clear"]),
                    purpose=options["purpose"],
                    legal_basis=options["legal_basis"],
                    days=options["days"],
                    rate_per_minute=options["rate"],
                    daily_quota=options["quota"],
                )
                self.stdout.write(
                    f"grant={grant.public_id} status={grant.status} "
                    f"valid_until={grant.valid_until.isoformat()}"
                )
                return
            count = services.grants_revoke_for(
                actor="cli",
                client=self._client(options["client"]),
                dataset=self._dataset(options["dataset"]),
            )
            self.stdout.write(f"revoked={count}")
        except DomainError as error:
            raise CommandError(f"{error.message} ({error.code})") from error

    def _client_action(self, options):
        if options["client_action"] == "list":
            for client in ExchangeClient.objects.select_related("department", "application"):
                self.stdout.write(
                    f"{client.client_id or '-'}\t{client.department.code}\t{client.name}\t"
                    f"{'active' if client.is_active else 'inactive'}"
                )
            return
        department = department_find(code_or_name=options["department"])
        if department is None:
            raise CommandError(f"No department with code or name {options['department']}.")
        client, secret = services.client_create(
            actor="cli", department=department, name=options["name"]
        )
        self.stdout.write(f"client_id={client.client_id}")
        self.stdout.write(f"client_secret={secret}")
