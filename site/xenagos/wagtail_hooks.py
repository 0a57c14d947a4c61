"""Wagtail hooks of the project shell: document privacy for signed-in users."""

from django.core.exceptions import PermissionDenied
from wagtail import hooks
from wagtail.models import BaseViewRestriction


@hooks.register("before_serve_document", order=-10)
def refuse_signed_in_outsiders(document, request):
    """A signed-in user outside the groups a document's collection is restricted to gets 403.

    Wagtail's own check (which runs after this one) answers every refusal of a login or groups restriction with a
    redirect to the login page; for someone already signed in that page sends them straight back, a loop."""
    if not request.user.is_authenticated:
        return None
    for restriction in document.collection.get_view_restrictions():
        if restriction.restriction_type == BaseViewRestriction.GROUPS and not restriction.accept_request(request):
            raise PermissionDenied
    return None
