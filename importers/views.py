"""Admin screens of an import: upload -> inspection -> source -> mapping -> dry-run report -> confirm -> progress ->
report.

The upload is unpacked and read once, by the background worker (importers.runs.import_run_inspect); the source page
shows what that stored on the run and never opens the file. A progress page follows each background step.

The same screens serve every import target the admin offers (importers.targets: places, protected areas...), as the
upload says; the target gives the mapping step and the report's counts. Views parse the request, call the
readers/services and render; errors of the importers become readable messages. Editors see and import only into
the municipalities they edit.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from gis.models import Dataset
from gis.services import dataset_upsert, municipalities_editable_by

from . import maps
from .errors import ImporterError
from .forms import SourceForm, UploadForm, upload_limit_bytes, upload_limit_mb
from .models import ImportRun
from .report import ImportReport
from .runs import (
    BUSY,
    import_run_cancel,
    import_run_create,
    import_run_inspect_queue,
    import_run_queue,
    import_run_update,
)
from .selectors import import_runs_for
from .targets import target_get
from .uploads import LimitedUploadHandler

FINISHED = (
    ImportRun.Status.CHECKED,
    ImportRun.Status.SUCCEEDED,
    ImportRun.Status.FAILED,
    ImportRun.Status.CANCELLED,
)


def _legend(*actions: str) -> list[tuple[str, str]]:
    labels = {
        "read": _("a feature of the file"),
        "create": _("new"),
        "update": _("updated"),
        "unchanged": _("unchanged"),
        "withdraw": _("withdrawn"),
        "link": _("linked to an existing place"),
        "skip": _("skipped (matches an existing place)"),
    }
    return [(action, labels[action]) for action in actions]


def stage_label(stage: str) -> str:
    """What the progress bar says of an import's stage (the stage codes are written by the import services)."""
    labels = {
        "read": _("reading the file"),
        "compare": _("comparing with the stored data"),
        "write": _("writing"),
        "done": _("done"),
        "checked": _("checked"),
        "unpack": _("unpacking the zip file"),
        "inspect": _("reading the file"),
    }
    return str(labels.get(stage, stage))


def may_import(user) -> bool:
    """Whether ``user`` may use the import screens (place editors of at least one municipality)."""
    return user.is_active and user.has_perm("xgis.add_place") and bool(municipalities_editable_by(user))


def _check(request: HttpRequest) -> None:
    if not may_import(request.user):
        raise PermissionDenied


def _run(request: HttpRequest, uid) -> ImportRun:
    _check(request)
    run = import_runs_for(user=request.user).filter(uid=uid).first()
    if run is None:
        raise Http404
    return run


def _page(request, template: str, title: str, **context) -> HttpResponse:
    return render(request, template, {"page_title": title, "header_title": title, "header_icon": "upload", **context})


def history(request: HttpRequest) -> HttpResponse:
    """The imports the user may see, newest first; ?dataset=<slug> narrows to one dataset."""
    _check(request)
    dataset = Dataset.objects.filter(slug=request.GET.get("dataset", "")).first()
    runs = import_runs_for(user=request.user, dataset=dataset)[:200]
    return _page(request, "importers/history.html", _("Imports"), runs=runs, dataset=dataset)


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the file, what it holds, the dataset and the municipality. The upload is cut off past the size limit."""
    _check(request)
    request.upload_handlers = [LimitedUploadHandler(request, limit=upload_limit_bytes())]
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_editable_by(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    too_large = None
    if getattr(request, "upload_too_large", False):  # the rest of the request was not read: start again
        form = UploadForm(municipalities=municipalities)
        too_large = _("The file is larger than %(limit)s MB.") % {"limit": f"{upload_limit_mb():g}"}
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            dataset = data["dataset"] or dataset_upsert(
                slug=slugify(data["title"])[:50],
                title=data["title"],
                licence=data["licence"],
                attribution=data["attribution"],
            )
            run = import_run_create(
                upload=data["file"],
                dataset=dataset,
                municipality=data["municipality"],
                user=request.user,
                kind=data["kind"],
            )
            import_run_inspect_queue(run=run)
        return redirect("importers:progress", uid=run.uid)
    return _page(request, "importers/upload.html", _("New import"), form=form, too_large=too_large)


def source(request: HttpRequest, uid) -> HttpResponse:
    """Step 2: what the inspection found in the file (format, layer, CRS, encoding, features, fields) on a map;
    other options are read again in the background."""
    run = _run(request, uid)
    if run.status == ImportRun.Status.INSPECTING:
        return redirect("importers:progress", uid=run.uid)
    if not run.files_kept:
        return redirect("importers:report", uid=run.uid)
    options = run.options or {}
    info = run.source_info or None
    form = SourceForm(request.POST or None, initial=options, layers=(info or {}).get("layers", []))
    if request.method == "POST" and run.status not in BUSY and form.is_valid():
        chosen = {key: form.cleaned_data.get(key) or None for key in ("layer", "srid", "encoding")}
        if not info or "layer" not in form.data:  # no layer offered: keep the one the inspection picked
            chosen["layer"] = options.get("layer") if info else None
        unchanged = all(chosen[key] == (options.get(key) or None) for key in chosen)
        if info and unchanged and "next" in request.POST:
            return redirect("importers:mapping", uid=run.uid)
        import_run_update(run=run, options={**options, **chosen})
        import_run_inspect_queue(run=run)
        return redirect("importers:progress", uid=run.uid)
    preview = run.source_preview or {}
    try:
        template = target_get(run.kind).source_template
    except ImporterError:
        template = "importers/source.html"
    return _page(
        request,
        template,
        _("What the file holds"),
        run=run,
        form=form,
        info=info,
        error=None if info else run.message,
        rows=preview.get("rows", []),
        records=preview.get("records", []),
        preview=maps.preview_map(preview.get("features", [])) if info else None,
        legend=_legend("read"),
    )


def mapping(request: HttpRequest, uid) -> HttpResponse:
    """Step 3: which source field feeds which field of the run's target (kept for the dataset's next import), then
    the dry run."""
    run = _run(request, uid)
    info = run.source_info
    if not info:
        return redirect("importers:source", uid=run.uid)
    try:
        step = target_get(run.kind).mapping
    except ImporterError:
        step = None
    if step is None:  # a kind the admin does not import: its report says why
        return redirect("importers:report", uid=run.uid)
    form, context = step.build(run=run, info=info, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        import_run_update(run=run, mapping=form.rules())
        import_run_queue(run=run, dry_run=True)
        return redirect("importers:progress", uid=run.uid)
    return _page(request, step.template, _("Mapping"), run=run, form=form, info=info, **context)


def _next_url(run: ImportRun) -> str:
    """Where the progress page goes once the background step is over."""
    name = "importers:source" if run.status == ImportRun.Status.UPLOADED else "importers:report"
    return reverse(name, kwargs={"uid": run.uid})


def progress(request: HttpRequest, uid) -> HttpResponse:
    """A progress bar while the background task runs (the inspection of the upload, a dry run or the import); the
    next page once it is done."""
    run = _run(request, uid)
    if run.status in FINISHED or run.status == ImportRun.Status.UPLOADED:
        return redirect(_next_url(run))
    title = _("Reading the file") if run.status == ImportRun.Status.INSPECTING else _("Import in progress")
    return _page(request, "importers/progress.html", title, run=run, stage=stage_label(run.stage))


def status(request: HttpRequest, uid) -> JsonResponse:
    """The run's status and progress, for the progress bar."""
    run = _run(request, uid)
    done = run.status in FINISHED or run.status == ImportRun.Status.UPLOADED
    return JsonResponse(
        {
            "status": run.status,
            "label": str(run.get_status_display()),
            "stage": stage_label(run.stage),
            "done": run.progress_done,
            "total": run.progress_total,
            "percent": 100 if done else run.percent,
            "finished": done,
            "next_url": _next_url(run),
            "report_url": reverse("importers:report", kwargs={"uid": run.uid}),
        }
    )


def report(request: HttpRequest, uid) -> HttpResponse:
    """The dry-run report (with the confirm button) or the final report of an import."""
    run = _run(request, uid)
    data = run.report if run.status == ImportRun.Status.SUCCEEDED else run.dry_run_report
    result = ImportReport.from_dict(data) if data else None
    preview = maps.preview_map(result.preview) if result and result.preview else None
    title = _("Import report") if run.status == ImportRun.Status.SUCCEEDED else _("What the import would change")
    legend = _legend("create", "update", "unchanged", "withdraw")
    if result and (result.counts.get("link") or result.counts.get("skip")):
        legend += _legend(*(action for action in ("link", "skip") if result.counts.get(action)))
    try:
        counts = target_get(run.kind).rows(result.counts) if result else []
    except ImporterError:
        counts = []
    return _page(
        request,
        "importers/report.html",
        title,
        run=run,
        report=result,
        preview=preview,
        legend=legend,
        counts=counts,
    )


@require_POST
def confirm(request: HttpRequest, uid) -> HttpResponse:
    """Start the import of a checked run in the background."""
    run = _run(request, uid)
    if run.status != ImportRun.Status.CHECKED:
        messages.error(request, _("Run the dry run first."))
        return redirect("importers:report", uid=run.uid)
    import_run_queue(run=run, dry_run=False)
    return redirect("importers:progress", uid=run.uid)


@require_POST
def cancel(request: HttpRequest, uid) -> HttpResponse:
    """Cancel a run that waits for the editor; its upload is deleted, the run stays in the history."""
    run = _run(request, uid)
    try:
        import_run_cancel(run=run)
    except ImporterError as error:
        messages.error(request, str(error))
        return redirect("importers:report", uid=run.uid)
    messages.success(request, _("The import of %(file)s was cancelled and the file deleted.") % {"file": run.file_name})
    return redirect("importers:history")
