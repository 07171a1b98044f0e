"""`onetrip oidc-client add|list`: register the county's relying parties and machine clients."""

from django.core.management.base import BaseCommand, CommandError

from onetrip.core.errors import DomainError
from onetrip.identity import services


class Command(BaseCommand):
    help = "Register an OpenID Connect client (add) or show the registered ones (list)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register a client; prints client_id and client_secret")
        add.add_argument("--name", required=True)
        add.add_argument("--redirect-uri", action="append", default=[], dest="redirect_uris")
        add.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            default=[],
            dest="post_logout_redirect_uris",
        )
        add.add_argument("--public", action="store_true", help="no secret (SPA or mobile app)")
        add.add_argument("--trusted", action="store_true", help="skip the consent screen")
        add.add_argument(
            "--grant",
            choices=["authorization-code", "client-credentials"],
            default="authorization-code",
        )
        sub.add_parser("list", help="show registered clients")

    def handle(self, *args, action, **options):
        if action == "list":
            for client in services.oidc_client_list():
                self.stdout.write(
                    f"{client.client_id}\t{client.name}\t{client.client_type}\t"
                    f"{client.authorization_grant_type}\t"
                    f"{'trusted' if client.skip_authorization else 'consent'}\t"
                    f"{client.redirect_uris}"
                )
            return
        try:
            client, secret = services.oidc_client_create(
                actor="cli",
                name=options["name"],
                redirect_uris=options["redirect_uris"],
                post_logout_redirect_uris=options["post_logout_redirect_uris"],
                grant=options["grant"],
                public=options["public"],
                trusted=options["trusted"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"client_id={client.client_id}")
        if secret:
            self.stdout.write(f"client_secret={secret}")
