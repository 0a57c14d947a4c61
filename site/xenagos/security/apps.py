from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Login throttling, two-factor sign-in and security headers for the Wagtail admin."""

    name = "xenagos.security"
    label = "xsecurity"
    verbose_name = "Xenagos security"
