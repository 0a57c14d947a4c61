"""What an import did or would do: counts, samples, rejections with their feature/row and field, and notes.

The same report is printed by the command line and shown by the admin (and kept in the import history).
"""

from dataclasses import asdict, dataclass, field

MAX_LISTED = 1000  # rejections and notes kept in a report; the counts are always complete


@dataclass
class ImportReport:
    """The outcome of a (dry) run."""

    dataset: str
    file: str
    dry_run: bool
    source: dict = field(default_factory=dict)
    mapping: dict = field(default_factory=dict)
    unit: str = "feature"
    counts: dict[str, int] = field(default_factory=dict)
    created: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    withdrawn: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    far: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    matched: list[dict] = field(default_factory=list)
    possible_duplicates: list[dict] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        """JSON-ready."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        """Back from JSON."""
        return cls(**{key: value for key, value in data.items() if key in cls.__dataclass_fields__})

    def reject(self, *, feature: int, field: str, reason: str, source_id: str = "") -> None:
        """Count a rejection; keep its details while fewer than MAX_LISTED are kept."""
        self.counts["rejected"] = self.counts.get("rejected", 0) + 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append({"feature": feature, "field": field, "reason": reason, "source_id": source_id})

    def note(self, *, feature: int, field: str, reason: str, source_id: str = "") -> None:
        """Count a note about a feature that was kept (repaired geometry, an id left empty...)."""
        self.counts["notes"] = self.counts.get("notes", 0) + 1
        if len(self.notes) < MAX_LISTED:
            self.notes.append({"feature": feature, "field": field, "reason": reason, "source_id": source_id})


def _where(report: ImportReport, item: dict) -> str:
    where = f"{report.unit} {item['feature']}"
    if item.get("source_id"):
        where += f" (id {item['source_id']})"
    return where + (f", field '{item['field']}'" if item.get("field") else "")


def _source_lines(report: ImportReport) -> list[str]:
    """What was read: a GIS layer's name, count, CRS and encoding; for other sources (archive files, harvests)
    their format and whatever counts they give (records, rows, documents, pages)."""
    source = report.source
    if "layer" in source or "crs" in source:
        return [
            f"  format {source.get('format')}, layer '{source.get('layer')}', {source.get('feature_count')} "
            f"{report.unit}s",
            f"  CRS {source.get('crs')} ({source.get('crs_note')})",
            f"  encoding {source.get('encoding')} ({source.get('encoding_note')})",
        ]
    counts = [f"{value} {key}" for key, value in source.items() if key not in ("format", "notes")]
    if not source.get("format") and not counts:
        return []
    return [f"  format {source.get('format') or '?'}" + (f": {', '.join(counts)}" if counts else "")]


def report_text(report: ImportReport) -> str:
    """The report as plain text, for the command line."""
    source, counts = report.source, report.counts
    verb = "would be" if report.dry_run else "were"
    lines = [f"{'Dry run: nothing was changed. ' if report.dry_run else ''}{report.file} -> dataset '{report.dataset}'"]
    lines += _source_lines(report)
    lines += [f"  note: {note}" for note in source.get("notes", [])]
    lines.append(
        f"Records that {verb} created: {counts.get('create', 0)}, updated: {counts.get('update', 0)}, "
        f"unchanged: {counts.get('unchanged', 0)}, withdrawn: {counts.get('withdraw', 0)}; "
        f"rejected {report.unit}s: {counts.get('rejected', 0)}"
    )
    if counts.get("matched"):
        lines.append(
            f"Matching existing places by Wikidata/Pleiades id: {counts['matched']} "
            f"(linked: {counts.get('link', 0)}, skipped: {counts.get('skip', 0)}, "
            f"imported as new: {counts['matched'] - counts.get('link', 0) - counts.get('skip', 0)})"
        )
    lines += [f"Warning: {warning}" for warning in report.warnings]
    for item in report.updated[:50]:
        lines.append(f"  updated {_where(report, item)}: {', '.join(item.get('changed') or [])}")
    for item in report.withdrawn[:50]:
        lines.append(f"  withdrawn: id {item['source_id']} {item.get('name_el', '')}")
    if counts.get("withdraw", 0) > len(report.withdrawn[:50]):
        lines.append(f"  ... and {counts['withdraw'] - len(report.withdrawn[:50])} more withdrawn")
    for item in report.matched[:50]:
        fills = f"; fills {', '.join(item['fills'])}" if item.get("fills") else ""
        lines.append(
            f"  {item['action']} {_where(report, item)} {item['name']}: {item['by']} {item['identifier']} is "
            f"'{item['place_name']}' ({item['place_dataset']}, {item['distance_m']:.0f} m away){fills}"
        )
    for item in report.possible_duplicates[:50]:
        lines.append(
            f"  possible duplicate: {_where(report, item)} {item['name']} is {item['distance_m']:.0f} m from "
            f"'{item['place_name']}' ({item['place_dataset']})"
        )
    for item in report.far[:50]:
        lines.append(f"  far outside: {_where(report, item)} {item.get('distance_m', 0) / 1000:.1f} km away")
    for item in report.rejected:
        lines.append(f"  rejected {_where(report, item)}: {item['reason']}")
    if counts.get("rejected", 0) > len(report.rejected):
        lines.append(f"  ... and {counts['rejected'] - len(report.rejected)} more rejected")
    for item in report.notes:
        lines.append(f"  note {_where(report, item)}: {item['reason']}")
    if counts.get("notes", 0) > len(report.notes):
        lines.append(f"  ... and {counts['notes'] - len(report.notes)} more notes")
    lines.append(f"Took {report.seconds:.1f} s.")
    return "\n".join(lines)
