"""onetrip signing-key create DEPARTMENT [--algorithm ed25519|sm2]   a new key for a department
onetrip signing-key retire KEY_ID                                  stop signing with a key
"""

from django.core.management.base import BaseCommand, CommandError

from onetrip.core.errors import DomainError
from onetrip.departments.selectors import department_find
from onetrip.signing.models import SigningAlgorithm, SigningKey
from onetrip.signing.services import signing_key_create, signing_key_retire


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "retire"])
        parser.add_argument("target", help="department code or name (create), key id (retire)")
        parser.add_argument(
            "--algorithm", choices=SigningAlgorithm.values, default=SigningAlgorithm.ED25519
        )

    def handle(self, *args, action, target, algorithm, **options):
        actor = f"cli:signing-key {action}"
        try:
            if action == "create":
                department = department_find(code_or_name=target)
                if department is None:
                    raise CommandError(f"No department {target!r}.")
                key = signing_key_create(actor=actor, department=department, algorithm=algorithm)
            else:
                key = SigningKey.objects.filter(key_id=target).first()
                if key is None:
                    raise CommandError(f"No key {target!r}.")
                key = signing_key_retire(actor=actor, key=key)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{key.key_id} {key.algorithm} {key.public_key}")
