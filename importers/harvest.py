"""The resumable OAI-PMH harvest of a ``HarvestSource``, page by page, whatever a record becomes.

``harvest(source, apply_page=...)`` asks ListRecords (``from`` the last finished harvest's datestamp, or where an
unfinished harvest stopped) and, for each page, runs ``apply_page(records)`` and stores the page's resumption token
in **one transaction**: a crash or an error leaves every page either applied with the token after it, or not
applied at all, and the next run resumes at the first page not applied. When the list ends, the datestamp of the
harvest (the first page's ``responseDate``, at the repository's granularity from Identify) is kept for the next
incremental ``from`` and the token is cleared. What a record becomes (an archive item, a withdrawal) is the
caller's ``apply_page``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ImporterError
from .models import HarvestSource
from .oai import HarvestedRecord, HarvestError, HarvestPage, OAIClient


class HarvestApplyError(HarvestError):
    """A page whose records could not be applied (``apply_page`` raised an ``ImporterError``): the message starts
    with the page's URL, then the record and what is wrong with it; the page is not applied."""


class HarvestConflict(HarvestError):
    """Two harvests of one source at once: the one that finds the source moved on stops before applying its page."""


ApplyPage = Callable[[list[HarvestedRecord]], None]
Progress = Callable[[HarvestPage, HarvestSource], None]
SECONDS_GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"


@dataclass(frozen=True)
class HarvestOutcome:
    """What one call of ``harvest`` did: pages and records applied (deleted ones counted apart), whether the list
    ended, and the datestamp stored for the next incremental harvest ("" while unfinished)."""

    pages: int
    records: int
    deleted: int
    finished: bool
    resumed: bool
    datestamp: str


def datestamp_at(response_date: str, *, granularity: str) -> str:
    """``response_date`` (UTC, ``YYYY-MM-DDThh:mm:ssZ``) at the repository's ``granularity``: the day only for
    ``YYYY-MM-DD``."""
    return response_date if granularity == SECONDS_GRANULARITY else response_date[:10]


def harvest(
    source: HarvestSource,
    *,
    apply_page: ApplyPage,
    progress: Progress | None = None,
    from_: str | None = None,
    until: str | None = None,
    restart: bool = False,
    client: OAIClient | None = None,
) -> HarvestOutcome:
    """Harvest ``source`` page by page (see the module); ``from_``/``until`` override the stored datestamp (and
    start a new list), ``restart`` drops an unfinished harvest's token. An error is stored in ``last_error`` and
    raised; the pages before it stay applied."""
    expected_token = source.resumption_token  # what the row holds, as loaded: checked before each page
    own_client = client is None
    oai = client or OAIClient(source.base_url)
    resumed = bool(source.resumption_token) and not restart and not (from_ or until)
    pages = records = deleted = 0
    try:
        if resumed:
            listing = oai.list_records(resumption_token=source.resumption_token)
        else:
            granularity = oai.identify().granularity
            listing = oai.list_records(
                metadata_prefix=source.metadata_prefix,
                set_spec=source.set_spec or None,
                from_=from_ or source.last_datestamp or None,
                until=until,
            )
            source.resumption_token = ""
            source.pages_done = source.records_done = 0
            source.cursor = source.complete_list_size = None
        for page in listing:
            with transaction.atomic():
                _still_ours(source, expected_token, url=page.url)
                try:
                    apply_page(page.records)
                except ImporterError as error:
                    if isinstance(error, HarvestError):
                        raise
                    raise HarvestApplyError(str(error), url=page.url) from error
                if not resumed and pages == 0:
                    source.pending_datestamp = datestamp_at(page.response_date, granularity=granularity)
                _page_stored(source, page)
            expected_token = source.resumption_token
            pages += 1
            records += len(page.records)
            deleted += sum(record.deleted for record in page.records)
            if progress is not None:
                progress(page, source)
    except Exception as error:
        source.last_error = str(error) if isinstance(error, HarvestError) else f"{type(error).__name__}: {error}"
        HarvestSource.objects.filter(pk=source.pk).update(last_error=source.last_error, updated_at=timezone.now())
        raise
    finally:
        if own_client:
            oai.close()
    return HarvestOutcome(
        pages=pages,
        records=records,
        deleted=deleted,
        finished=not source.resumption_token,
        resumed=resumed,
        datestamp=source.last_datestamp,
    )


def _still_ours(source: HarvestSource, expected_token: str, *, url: str) -> None:
    """Lock the source's row for the page's transaction and check that no other harvest moved it on since this one
    read it (its stored token is still the one this harvest last saw); raises ``HarvestConflict``."""
    held = HarvestSource.objects.select_for_update().values_list("resumption_token", flat=True).get(pk=source.pk)
    if held != expected_token:
        raise HarvestConflict(
            _("another harvest of this source has moved it on; this page was not applied (run the harvest again)"),
            url=url,
        )


def _page_stored(source: HarvestSource, page: HarvestPage) -> None:
    """Keep where the harvest stands after ``page`` (inside the page's transaction); at the list's end, the
    datestamp for the next ``from``."""
    source.resumption_token = page.resumption_token or ""
    source.pages_done += 1
    source.records_done += len(page.records)
    source.cursor = page.cursor
    source.complete_list_size = page.complete_list_size
    source.last_error = ""
    if not page.resumption_token:
        source.last_datestamp = source.pending_datestamp or source.last_datestamp
        source.pending_datestamp = ""
        source.last_harvested_at = timezone.now()
    source.save()
