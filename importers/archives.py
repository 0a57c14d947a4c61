"""Unpack an uploaded zip file into a work folder, safely.

Limits: total uncompressed size, compression ratio (per member and overall), number of members; the sizes actually
written are counted, not taken from the zip's directory. Refused: absolute paths, ``..``, symbolic links, names that
would land outside the work folder. Only members with an expected extension are unpacked; others are listed.
Member names without the zip UTF-8 flag are decoded as UTF-8 when they are valid UTF-8, else as CP737 (Greek DOS),
which is what Greek Windows' built-in zip writes.
"""

import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .errors import UnsafeArchive
from .safety import SHAPEFILE_PARTS, VECTOR_DRIVERS

MB = 1024 * 1024
UTF8_FLAG = 0x800
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """How much an archive may unpack to."""

    max_total_bytes: int = 2048 * MB
    max_ratio: float = 200.0  # uncompressed / compressed
    max_members: int = 1000

    @classmethod
    def from_settings(cls) -> "ZipLimits":
        """The limits in settings.XENAGOS_IMPORT_ZIP_LIMITS (a dict of the field names), or the defaults."""
        return cls(**getattr(settings, "XENAGOS_IMPORT_ZIP_LIMITS", {}))


@dataclass
class Unpacked:
    """What came out of an archive."""

    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    name_encoding: str = "utf-8"


def _member_name(info: zipfile.ZipInfo) -> tuple[str, str]:
    """The member's name and the encoding it was decoded with."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename, "utf-8"
    raw = info.filename.encode("cp437")  # zipfile decoded the bytes as CP437; undo that
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp737"), "cp737"


def _safe_relative(name: str, zip_path: Path) -> PurePosixPath:
    relative = PurePosixPath(name.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or (relative.parts and ":" in relative.parts[0]):
        raise UnsafeArchive(
            _("member '%(name)s' would be written outside the work folder") % {"name": name}, path=zip_path
        )
    return relative


def zip_unpack(zip_path: Path, *, into: Path, limits: ZipLimits | None = None) -> Unpacked:
    """Unpack the expected members of ``zip_path`` into the folder ``into``, within ``limits``."""
    limits = limits or ZipLimits.from_settings()
    into = into.resolve()
    expected = set(VECTOR_DRIVERS) | SHAPEFILE_PARTS
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as error:
        # Translators: %(error)s is Python's explanation, in English.
        raise UnsafeArchive(_("not a readable zip file (%(error)s)") % {"error": error}, path=zip_path) from error
    result = Unpacked()
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            message = ngettext(
                "%(count)d member; at most %(limit)s are unpacked",
                "%(count)d members; at most %(limit)s are unpacked",
                len(members),
            )
            raise UnsafeArchive(message % {"count": len(members), "limit": limits.max_members}, path=zip_path)
        declared = sum(m.file_size for m in members)
        compressed = sum(m.compress_size for m in members) or 1
        if declared > limits.max_total_bytes:
            message = _("unpacks to %(size).0f MB; the limit is %(limit).0f MB")
            raise UnsafeArchive(message % {"size": declared / MB, "limit": limits.max_total_bytes / MB}, path=zip_path)
        if declared / compressed > limits.max_ratio:
            message = _("compressed %(ratio).0f to 1, more than %(limit).0f to 1 (a zip bomb?)")
            raise UnsafeArchive(message % {"ratio": declared / compressed, "limit": limits.max_ratio}, path=zip_path)
        written = 0
        for info in members:
            name, encoding = _member_name(info)
            if encoding != "utf-8":
                result.name_encoding = encoding
            relative = _safe_relative(name, zip_path)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UnsafeArchive(_("member '%(name)s' is a symbolic link") % {"name": name}, path=zip_path)
            if info.is_dir():
                continue
            if relative.suffix.lower() not in expected or relative.name.startswith("._"):
                result.skipped.append(name)
                continue
            if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
                message = _("member '%(name)s' is compressed too much (a zip bomb?)")
                raise UnsafeArchive(message % {"name": name}, path=zip_path)
            target = (into / relative).resolve()
            if into not in target.parents:
                message = _("member '%(name)s' would be written outside the work folder")
                raise UnsafeArchive(message % {"name": name}, path=zip_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                raise UnsafeArchive(_("member '%(name)s' appears twice") % {"name": name}, path=zip_path)
            with archive.open(info) as source, target.open("xb") as sink:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > limits.max_total_bytes or written > declared:
                        sink.close()
                        shutil.rmtree(into, ignore_errors=True)
                        message = _("unpacks to more than its directory says (a zip bomb?)")
                        raise UnsafeArchive(message, path=zip_path)
                    sink.write(chunk)
            result.files.append(target)
    return result
