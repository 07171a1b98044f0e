"""`onetrip user add`: create a person's or a staff member's account from the console."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from onetrip.accounts import services as account_services
from onetrip.accounts.models import AssuranceLevel
from onetrip.core.errors import DomainError
from onetrip.identity import services


class Command(BaseCommand):
    help = "Create an account: a person (ID number, phone) or a staff member (TOTP enrolled)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create an account")
        add.add_argument("--type", choices=["person", "staff"], required=True, dest="user_type")
        add.add_argument("--password", required=True)
        add.add_argument("--name", required=True)
        add.add_argument("--id-number", help="person: citizen ID number")
        add.add_argument("--phone", help="person: mobile phone (staff: optional)")
        add.add_argument("--level", choices=AssuranceLevel.values, default=AssuranceLevel.L1)
        add.add_argument("--username", help="staff: account name")
        add.add_argument("--department", help="staff: department code")
        add.add_argument("--role", action="append", default=[], dest="roles")

    def handle(self, *args, user_type, **options):
        required = ["id_number", "phone"] if user_type == "person" else ["username", "department"]
        missing = [f"--{name.replace('_', '-')}" for name in required if not options[name]]
        if missing:
            raise CommandError(_("Missing options: %(options)s") % {"options": " ".join(missing)})
        try:
            if user_type == "person":
                user = account_services.person_register(
                    actor="cli",
                    id_number=options["id_number"],
                    name=options["name"],
                    phone=options["phone"],
                    password=options["password"],
                    level=options["level"],
                )
            else:
                user = account_services.staff_create(
                    actor="cli",
                    username=options["username"],
                    name=options["name"],
                    department_code=options["department"],
                    roles=options["roles"],
                    password=options["password"],
                    phone=options["phone"],
                    totp_secret=account_services.totp_new_secret(),
                )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"username={user.get_username()}")
        self.stdout.write(f"sub={user.public_id}")
        if user.totp_secret:
            # Shown once, for enrolment in an authenticator app; the first sign-in confirms it.
            self.stdout.write(f"totp_secret={user.totp_secret}")
            self.stdout.write(f"totp_uri={services.totp_provisioning_uri(user=user)}")
