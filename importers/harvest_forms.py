"""The admin form of a harvest source: only the editor's municipalities are offered, and the base URL is checked by
the harvester's refusal rule (importers.oai.url_checked) when it is saved."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gis.models import Dataset

from .models import HarvestSource
from .oai import HarvestError, url_checked


class HarvestSourceForm(forms.ModelForm):
    """Municipality (one the user edits), dataset, OAI-PMH base URL, set and metadata format."""

    dataset = forms.ModelChoiceField(queryset=Dataset.objects.order_by("title"), label=_("Dataset"))

    class Meta:
        model = HarvestSource
        fields = ["municipality", "dataset", "base_url", "set_spec", "metadata_prefix"]

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        field.queryset = field.queryset.filter(pk__in=[m.pk for m in municipalities])
        field.label = _("Municipality")
        if len(municipalities) == 1 and not self.instance.pk:
            self.initial["municipality"] = municipalities[0].pk
        self.fields["base_url"].help_text = _("e.g. https://repository.example.org/oai (http or https)")
        self.fields["set_spec"].help_text = _("empty: the whole repository")

    def clean_base_url(self) -> str:
        """Refused unless http(s) and resolving to public addresses only (or listed in HARVEST_ALLOWED_HOSTS)."""
        url = self.cleaned_data["base_url"].strip()
        try:
            url_checked(url)
        except HarvestError as error:
            raise forms.ValidationError(error.reason) from error
        return url
