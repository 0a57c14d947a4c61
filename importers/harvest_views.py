"""Admin screens of the harvest sources: list, create, edit, delete, "Harvest now" and its progress. Every view
decides by the source's municipality (importers.harvest_runs.harvest_sources_for): another municipality's source
is a 404, and the form offers only the user's municipalities."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gis.services import municipalities_editable_by

from .harvest_forms import HarvestSourceForm
from .harvest_runs import harvest_runs_of, harvest_source_run_queue, harvest_sources_for
from .models import HarvestSource
from .views import _check, _page


def _source(request: HttpRequest, pk: int) -> HarvestSource:
    _check(request)
    source = harvest_sources_for(user=request.user).filter(pk=pk).first()
    if source is None:
        raise Http404
    return source


def harvest_sources(request: HttpRequest) -> HttpResponse:
    """The harvest sources of the user's municipalities."""
    _check(request)
    sources = harvest_sources_for(user=request.user)
    return _page(request, "importers/harvest_sources.html", _("Harvest sources"), sources=sources)


def harvest_source_new(request: HttpRequest) -> HttpResponse:
    """A new harvest source of one of the user's municipalities."""
    _check(request)
    return _form(request, HarvestSource(), title=_("New harvest source"))


def harvest_source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A source: its form, where its harvest stands, "Harvest now" and its runs."""
    source = _source(request, pk)
    return _form(request, source, title=_("Harvest source"))


def _form(request: HttpRequest, source: HarvestSource, *, title: str) -> HttpResponse:
    form = HarvestSourceForm(
        request.POST or None, instance=source, municipalities=municipalities_editable_by(request.user)
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Harvest source saved."))
        return redirect("importers:harvest_source", pk=saved.pk)
    runs = harvest_runs_of(source=source)[:20] if source.pk else []
    return _page(request, "importers/harvest_source.html", title, form=form, source=source, runs=runs)


@require_POST
def harvest_source_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Harvest now: queue a background harvest of the source (or show the one already running)."""
    source = _source(request, pk)
    harvest_source_run_queue(source=source, user=request.user)
    messages.success(request, _("The harvest is queued; this page shows its progress."))
    return redirect("importers:harvest_source", pk=source.pk)


@require_POST
def harvest_source_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete the source (its harvested items stay, as its dataset's)."""
    source = _source(request, pk)
    source.delete()
    messages.success(request, _("Harvest source deleted; its items are kept."))
    return redirect("importers:harvest_sources")


def harvest_source_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Where the source's harvest stands, for the progress on its page."""
    source = _source(request, pk)
    run = harvest_runs_of(source=source).first()
    return JsonResponse(
        {
            "pages": source.pages_done,
            "records": source.records_done,
            "cursor": source.cursor,
            "complete_list_size": source.complete_list_size,
            "unfinished": source.unfinished,
            "last_error": source.last_error,
            "status": run.get_status_display() if run else "",
            "finished": bool(run and run.finished_at),
        }
    )
