"""manage.py purge_uploads: delete the uploads of finished imports and of imports abandoned for a day."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser, no_translations

from importers.runs import import_runs_purge


class Command(BaseCommand):
    help = (
        "Delete from the import work folder (XENAGOS_IMPORT_ROOT) the uploads of imports that are over and of "
        "imports without activity for --hours (default: XENAGOS_IMPORT_ABANDONED_HOURS, 24); the imports stay "
        "in the history. Only the runs' own folders are deleted. Run it hourly (systemd timer or cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=None,
            help="hours without activity after which an upload counts as abandoned",
        )

    @no_translations  # the command line speaks English; runs' messages are written in their admin's language
    def handle(self, *args, **options) -> None:
        hours = options["hours"] if options["hours"] is not None else settings.XENAGOS_IMPORT_ABANDONED_HOURS
        counts = import_runs_purge(idle=timedelta(hours=hours))
        self.stdout.write(
            f"deleted the uploads of {counts['over']} finished and {counts['abandoned']} abandoned imports "
            f"(no activity for {hours:g} h)"
        )
