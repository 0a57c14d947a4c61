"""Admin security: login throttling and lockout (django-axes), optional TOTP two-factor (django-otp) and the
Permissions-Policy header. A small app of its own (label ``xsecurity``) so that its templates and Wagtail hooks
stay together; see README, "Security"."""


class SecurityError(Exception):
    """Base exception of the admin security package."""


class TwoFactorCodeError(SecurityError):
    """A one-time code that does not match the device's key (or was already used)."""
