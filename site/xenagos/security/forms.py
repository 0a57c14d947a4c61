"""The one field of the two-factor screens: a six-digit code from an authenticator app."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TwoFactorCodeForm(forms.Form):
    """A code as the authenticator app shows it (spaces allowed: «123 456»)."""

    otp_token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=9,
        error_messages={
            "required": _("Enter the six-digit code that your authenticator app shows."),
            "invalid": _("The code has six digits, for example 123456."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 9}
        ),
    )
