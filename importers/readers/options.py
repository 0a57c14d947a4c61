"""The readers' options that forms and mappings name. No GIS library here: the admin's import screens import this
on the request path."""


class InvalidPolicy:
    """What to do with an invalid geometry."""

    REPAIR = "repair"
    REJECT = "reject"
    CHOICES = (REPAIR, REJECT)
