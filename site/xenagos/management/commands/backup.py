"""manage.py backup PATH: one archive of the database and every media file (see xenagos.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xenagos.backup import BackupError, Database, backup_create, media_storages


class Command(BaseCommand):
    help = (
        "Write one tar archive (compressed when PATH ends in .gz or .xz) of the database (pg_dump -Fc) and every "
        "file of the default and tile storages, with a manifest of versions and SHA-256 checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive to write, e.g. /backups/xenagos-2026-12-01.tar")

    def handle(self, *args, path: Path, **options) -> None:
        try:
            manifest = backup_create(
                path=path,
                database=Database.from_settings(settings.DATABASES["default"]),
                media=media_storages(),
                progress=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        media_bytes = sum(entry["size"] for entry in manifest["media"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path} ({path.stat().st_size:,} bytes): the database and "
                f"{len(manifest['media'])} media files ({media_bytes:,} bytes)."
            )
        )
