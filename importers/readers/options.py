"""The readers' options that forms and mappings name. No GIS library here: the admin's import screens import this
on the request path."""

from dataclasses import dataclass


@dataclass(frozen=True)
class GeometryOptions:
    """What a target asks of the reader: lines kept as MultiLineStrings (else a point on the line) and Z kept (else
    dropped)."""

    lines: bool = False
    z: bool = False


POINTS = GeometryOptions()


class InvalidPolicy:
    """What to do with an invalid geometry."""

    REPAIR = "repair"
    REJECT = "reject"
    CHOICES = (REPAIR, REJECT)
