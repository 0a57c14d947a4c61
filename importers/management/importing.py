"""What the import commands share (import_places, import_routes): the common options, the dataset rule, a progress
bar on stdout, and the report. Each command adds its own options and says which import service it runs."""

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gis.models import Dataset, Municipality
from gis.services import GisError, dataset_upsert
from importers.errors import ImporterError
from importers.report import ImportReport, report_text

BAR = 30


class ProgressBar:
    """A one-line progress bar on the command's stdout, redrawn when the percentage moves."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.shown: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = min(100, 100 * done // total) if total else 100
        if self.shown == (stage, percent):
            return
        self.shown = (stage, percent)
        filled = BAR * percent // 100
        self.stdout.write(
            f"\r{stage:<8} [{'#' * filled}{'.' * (BAR - filled)}] {percent:3d}% ({done}/{total})", ending=""
        )
        self.stdout.flush()

    def end(self) -> None:
        """Finish the line."""
        if self.shown:
            self.stdout.write("")


class ImportCommand(BaseCommand):
    """An import command: PATH --dataset NAME [--layer] [--srid] [--encoding] [--municipality] [--dry-run]
    [--title --licence --attribution], plus the options of its kind (``add_kind_arguments``)."""

    path_help = "the file"
    dataset_help = "dataset slug"
    layer_help = "layer to read"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=self.path_help)
        parser.add_argument("--dataset", required=True, help=self.dataset_help)
        parser.add_argument("--layer", help=self.layer_help)
        self.add_kind_arguments(parser)
        parser.add_argument("--srid", type=int, help="EPSG code of a file without a CRS (or to override it)")
        parser.add_argument("--encoding", help="text encoding of the attributes, e.g. windows-1253 (default: detect)")
        parser.add_argument("--municipality", help="Kallikratis code: withdraw and check only within it")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; change nothing")
        parser.add_argument("--title", help="title of a new dataset")
        parser.add_argument("--licence", help="licence of a new dataset, e.g. CC BY 4.0")
        parser.add_argument("--attribution", help="attribution of a new dataset")

    def add_kind_arguments(self, parser: CommandParser) -> None:
        """The options of this kind of record (none by default)."""

    def municipality(self, options: dict) -> Municipality | None:
        """The municipality of --municipality, or None without it."""
        if not options["municipality"]:
            return None
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"no municipality with code {options['municipality']}")
        return municipality

    def dataset(self, options: dict) -> Dataset:
        """The dataset named by --dataset; a new one needs --licence and --attribution (and takes --title)."""
        dataset = Dataset.objects.filter(slug=options["dataset"]).first()
        if dataset is not None:
            return dataset
        if not (options["licence"] and options["attribution"]):
            raise CommandError(
                f"no dataset '{options['dataset']}'; to create it give --licence and --attribution (and --title)"
            )
        return dataset_upsert(
            slug=options["dataset"],
            title=options["title"] or options["dataset"],
            licence=options["licence"],
            attribution=options["attribution"],
        )

    def run(self, work: Callable[[ProgressBar], ImportReport | None]) -> None:
        """Run ``work`` with a progress bar, turn the importers' errors into the command's, and print the report
        (``work`` returns None when it printed what was asked instead of importing)."""
        progress = ProgressBar(self.stdout)
        try:
            report = work(progress)
        except (ImporterError, GisError) as error:
            progress.end()
            raise CommandError(str(error)) from error
        progress.end()
        if report is None:
            return
        self.stdout.write(report_text(report))
        style = self.style.WARNING if report.dry_run or report.counts.get("rejected") else self.style.SUCCESS
        self.stdout.write(style("Dry run: nothing changed." if report.dry_run else "Import committed."))
