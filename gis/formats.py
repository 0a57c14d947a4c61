"""Numbers shown to people, in the active language: distances with their unit, walking times with plural rules."""

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext


def distance_text(*, distance_m: float) -> str:
    """A geodesic distance in whole metres, grouped as the language writes numbers, with its unit (“1.250 μ.”)."""
    return gettext("%(metres)s m") % {"metres": number_format(round(distance_m), force_grouping=True)}


def walking_text(*, minutes: int) -> str:
    """A walking time in whole minutes, with the language's plural rules (“1 λεπτό”, “5 λεπτά με τα πόδια”)."""
    return ngettext("%(minutes)s minute on foot", "%(minutes)s minutes on foot", minutes) % {
        "minutes": number_format(minutes, force_grouping=True)
    }


def plural_forms(singular: str, plural: str) -> dict[str, str]:
    """A message's forms by CLDR plural category, for the browser to pick with ``Intl.PluralRules``.

    Greek and English have the categories "one" and "other", and gettext's forms map onto them for 1 and for 2;
    a language with more categories (few, many, …) needs its own sample numbers here."""
    return {"one": ngettext(singular, plural, 1), "other": ngettext(singular, plural, 2)}
