"""manage.py two_factor_reset USERNAME: remove a user's authenticator (a lost phone); they enrol again."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from xenagos.security.services import totp_devices_remove


class Command(BaseCommand):
    help = "Remove a user's two-factor (TOTP) devices, e.g. after a lost phone; they set up a new app at next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = totp_devices_remove(user=user)
        self.stdout.write(f"Removed {removed} two-factor device(s) of {username}.")
