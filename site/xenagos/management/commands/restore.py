"""manage.py restore PATH: an archive of `manage.py backup` into an empty database and media store."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xenagos.backup import BackupError, Database, backup_restore, media_storages


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into the configured database and media storages, which "
        "must be empty. Every checksum is verified before anything is written."
    )
    requires_system_checks = []  # the database is empty until the restore is done

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive written by manage.py backup")

    def handle(self, *args, path: Path, **options) -> None:
        try:
            manifest = backup_restore(
                path=path,
                database=Database.from_settings(settings.DATABASES["default"]),
                media=media_storages(),
                progress=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created']} (Xenagos {manifest['xenagos']['version']}, commit "
                f"{manifest['xenagos']['git_commit'] or 'unknown'}): the database and {len(manifest['media'])} media "
                "files. Run `manage.py migrate` if this Xenagos is newer than the backup."
            )
        )
