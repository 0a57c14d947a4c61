from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """File readers and import commands."""

    name = "importers"
    verbose_name = "Importers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the import targets (places, protected areas, boundaries), the background tasks and the reader of
        the route form's uploaded tracks; a deleted run (e.g. with its dataset) takes its upload."""
        from django.db import transaction
        from django.db.models.signals import post_delete

        from gis.tracks import track_reader_register

        from . import tasks  # noqa: F401 (registers how runs reach the worker)
        from .models import ImportRun
        from .registrations import targets_register
        from .runs import run_folder_delete
        from .tracks import track_file_read

        targets_register()
        track_reader_register(track_file_read)  # the route form's track upload (gis.tracks)

        def run_deleted(sender, instance, **kwargs) -> None:
            transaction.on_commit(lambda: run_folder_delete(run=instance))

        post_delete.connect(run_deleted, sender=ImportRun, weak=False, dispatch_uid="importers.run_folder_delete")
