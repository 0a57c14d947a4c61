"""Greek that third-party apps lack, supplied from site/locale-overrides (LOCALE_PATHS win over apps' catalogues)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.timesince import timesince


def test_time_since_is_greek_with_its_plurals():
    now = timezone.now()
    with translation.override("el"):
        assert timesince(now - timedelta(minutes=12), now) == "12\xa0λεπτά"
        assert timesince(now - timedelta(minutes=1), now) == "1\xa0λεπτό"
        assert timesince(now - timedelta(days=40), now) == "1\xa0μήνα, 1\xa0εβδομάδα"


@pytest.mark.parametrize(
    ("msgid", "greek"),
    [
        ("Content", "Περιεχόμενο"),  # wagtail-localize's: «Περιεχομενο»
        ("Add %(model_name)s", "Προσθήκη: %(model_name)s"),  # «Προσθήκη τόπος» read wrong
        ("Choose %(object)s", "Επιλογή: %(object)s"),
        ("Current page status:", "Τρέχουσα κατάσταση σελίδας:"),
        ("Translate this page", "Μετάφραση αυτής της σελίδας"),
    ],
)
def test_wagtail_strings_read_right_in_greek(msgid, greek):
    with translation.override("el"):
        assert translation.gettext(msgid) == greek


def test_the_default_language_preference_says_what_it_does_in_each_language():
    from wagtail.admin.forms.account import _get_language_choices

    with translation.override("en"):
        assert _get_language_choices()[0] == ("", "As your browser asks (else Ελληνικά)")
    with translation.override("el"):
        assert _get_language_choices()[0] == ("", "Όπως ζητά ο φυλλομετρητής σας (αλλιώς Ελληνικά)")


@pytest.mark.django_db
def test_place_form_names_fields_and_lists_each_term_once_in_the_editors_language():
    from gis.forms import PlaceAdminForm
    from gis.models import Category, Period
    from gis.wagtail_hooks import PlaceViewSet

    form_class = PlaceViewSet().get_edit_handler().get_form_class()
    assert issubclass(form_class, PlaceAdminForm)
    with translation.override("el"):
        form = form_class()
        assert str(form.fields["category"].label).lower() == "κατηγορία"
        assert str(form.fields["periods"].label).lower() == "ιστορικές περίοδοι"
        periods = [label for _value, label in form.fields["periods"].choices]
        assert len(periods) == Period.objects.filter(locale__language_code="el").count()
        assert "Κλασική" in periods and "Classical" not in periods
    with translation.override("en"):
        form = form_class()
        categories = [label for value, label in form.fields["category"].choices if value]
        assert len(categories) == Category.objects.filter(locale__language_code="el").count()
        assert "Museum" in categories and "Μουσείο" not in categories


@pytest.mark.django_db
def test_translation_editors_javascript_catalogue_is_greek(client):
    """wagtail-localize's React editor takes its words from its own JavaScript catalogue (djangojs)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="editor-athens"))
    catalogue = client.get(reverse("wagtail_localize:javascript_catalog"), HTTP_ACCEPT_LANGUAGE="el").content.decode()
    for english, greek in [
        ("Save", "Αποθήκευση"),
        ("Translate", "Μετάφραση"),
        ("Not translated", "Δεν έχει μεταφραστεί"),
    ]:
        assert f'"{english}": {json.dumps(greek)}' in catalogue, english  # the catalogue escapes non-ASCII
    assert json.dumps("Αποθηκευση") not in catalogue
