"""manage.py load_demo: the demo municipalities, places and accounts (idempotent)."""

from django.core.management.base import BaseCommand, CommandParser

from xenagos.demo import demo_load, demo_logins


class Command(BaseCommand):
    help = "Create or refresh the demo: Athens and Nafplio with real boundaries and places, and demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--domain", default="localhost", help="sites are <name>.<domain> (default: localhost)")
        parser.add_argument("--port", type=int, default=80)

    def handle(self, *args, **options) -> None:
        demo_load(domain=options["domain"], port=options["port"])
        self.stdout.write(self.style.SUCCESS("Demo loaded. Logins (demo only):"))
        for username, password, role in demo_logins():
            self.stdout.write(f"  {username} / {password}  ({role})")
