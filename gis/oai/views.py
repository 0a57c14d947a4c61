"""The ``/oai`` view: GET or POST (application/x-www-form-urlencoded), answered for the municipality of the
request's host (``request.municipality``, set by the site's middleware from the host's Wagtail site)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import OAIError
from .responses import ANSWERS, Repository, error_document, serialise
from .verbs import OAIRequest, oai_request


def repository_of(request: HttpRequest) -> Repository:
    """The repository the request is for; Http404 for a host that is no municipality's site."""
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404("This site has no municipality.")
    branding = getattr(municipality, "branding", None)
    email = getattr(settings, "OAI_ADMIN_EMAIL", "") or getattr(branding, "privacy_contact", "")
    site_url = f"{request.scheme}://{request.get_host()}"
    return Repository(
        municipality=municipality,
        base_url=f"{site_url}{request.path}",
        host=split_domain_port(request.get_host())[0],
        site_url=site_url,
        admin_email=email or _admin_email_default(split_domain_port(request.get_host())[0]),
    )


def _admin_email_default(host: str) -> str:
    """DEFAULT_FROM_EMAIL when it is an address the protocol accepts (a domain with a dot), else webmaster@host."""
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address if "." in address.rpartition("@")[2] else f"webmaster@{host}"


@csrf_exempt  # harvesters POST the protocol's arguments; nothing is written
@require_http_methods(["GET", "HEAD", "POST"])
def oai(request: HttpRequest) -> HttpResponse:
    """An OAI-PMH 2.0 answer (protocol errors are answers too, with status 200, as the protocol says)."""
    repository = repository_of(request)
    query = request.POST if request.method == "POST" else request.GET
    parsed: OAIRequest | None = None
    try:
        parsed = oai_request(query)
        document = ANSWERS[parsed.verb](repository, parsed)
    except OAIError as error:
        document = error_document(repository, parsed, error)
    response = HttpResponse(serialise(document), content_type="text/xml; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
