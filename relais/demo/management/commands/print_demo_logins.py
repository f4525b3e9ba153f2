from django.conf import settings
from django.core.management.base import BaseCommand

from relais.accounts.models import Role
from relais.demo.accounts import DEMO_PASSWORD, ORGANISATIONS, USERS
from relais.demo.certification import FEDERATION, FEDERATION_USERS


class Command(BaseCommand):
    help = "Affiche les identifiants de démonstration."

    def handle(self, *args, **options):
        names = {o.key: o.name for o in ORGANISATIONS}
        out = self.stdout
        out.write("")
        out.write("=" * 78)
        # `make run HOST=… PORT=…` passes the address it serves on as RELAIS_BASE_URL.
        out.write(f" Relais — démonstration locale : {settings.RELAIS_BASE_URL}/")
        out.write("=" * 78)
        out.write(f" Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}")
        out.write("")
        for user in USERS:
            roles = ", ".join(
                f"{names[key]} ({role.label.lower()})" for key, role in user.memberships
            )
            out.write(f"  {user.email:<40} {roles or 'administrateur de la plateforme'}")
        for email, _first, _last, role in FEDERATION_USERS:
            out.write(f"  {email:<40} {FEDERATION} ({Role(role).label.lower()})")
        out.write("")
        out.write(" La double authentification est désactivée pour cette démonstration locale")
        out.write(" (RELAIS_OTP_REQUIRED=0) ; elle est obligatoire en production.")
        out.write("=" * 78)
        out.write("")
        if not settings.DEBUG:
            self.stderr.write(
                "Attention : ces identifiants ne doivent exister que sur une démonstration."
            )
