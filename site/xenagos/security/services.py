"""Writes of the two-factor sign-in: enrolling and removing a user's TOTP device (RFC 6238, 30 s steps, 6 digits)."""

from binascii import unhexlify

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import TwoFactorCodeError

TOTP_DEVICE_NAME = "authenticator"


def totp_code_matches(*, key_hex: str, token: str, tolerance_steps: int = 1) -> int | None:
    """The time step (30 s units since the epoch) at which ``token`` is the code of ``key_hex``, or None.

    ``tolerance_steps`` allows a phone clock that is up to that many 30-second steps off."""
    token = token.strip().replace(" ", "")
    if not token.isdigit():
        return None
    totp = TOTP(unhexlify(key_hex), step=30, digits=6)
    if not totp.verify(int(token), tolerance=tolerance_steps):
        return None
    return totp.t()


@transaction.atomic
def totp_device_enrol(*, user: AbstractBaseUser, key_hex: str, token: str) -> TOTPDevice:
    """Make ``key_hex`` the user's only TOTP device once ``token`` (from their authenticator app) proves they hold it.

    Raises TwoFactorCodeError when the code does not match; nothing is written then."""
    step = totp_code_matches(key_hex=key_hex, token=token)
    if step is None:
        raise TwoFactorCodeError("The code does not match the key.")
    TOTPDevice.objects.filter(user=user).delete()
    # last_t = the step just used, so the enrolment code cannot be replayed to sign in.
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key_hex, confirmed=True, last_t=step)


@transaction.atomic
def totp_devices_remove(*, user: AbstractBaseUser) -> int:
    """Remove the user's TOTP devices (two-factor sign-in off); returns how many were removed."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    return removed
