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
import zlib
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


_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError)


def _read_problem(name: str, error: BaseException) -> str:
    """Why a member cannot be read, in the active language; never the server's paths."""
    if isinstance(error, RuntimeError | NotImplementedError):  # encrypted, or an unsupported compression method
        return _("member '%(name)s' is encrypted or compressed in a way that cannot be read") % {"name": name}
    if isinstance(error, zipfile.BadZipFile) and "CRC" in str(error):
        message = _("member '%(name)s' is damaged: its content does not match the size or checksum in its header")
        return message % {"name": name}
    return _("member '%(name)s' is damaged or cut short") % {"name": name}


def zip_unpack(
    zip_path: Path, *, into: Path, limits: ZipLimits | None = None, expected: frozenset[str] | None = None
) -> Unpacked:
    """Unpack the expected members of ``zip_path`` (``expected``: their extensions, default the GIS files') into the
    folder ``into``, within ``limits``; macOS' ``._*`` members are never unpacked.

    The limits apply to the bytes actually written, whatever the zip's headers say. On any error (UnsafeArchive,
    naming the member) the folder ``into`` is removed, so nothing is left half-written.
    """
    into = into.resolve()
    try:
        expected = expected or frozenset({*VECTOR_DRIVERS, *SHAPEFILE_PARTS})
        return _zip_unpack(zip_path, into=into, limits=limits or ZipLimits.from_settings(), expected=expected)
    except BaseException:
        shutil.rmtree(into, ignore_errors=True)
        raise


def _zip_unpack(zip_path: Path, *, into: Path, limits: ZipLimits, expected: frozenset[str]) -> Unpacked:
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        # Translators: %(error)s is Python's explanation, in English.
        raise UnsafeArchive(_("not a readable zip file (%(error)s)") % {"error": reason}, path=zip_path) from error
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
            written += _member_write(
                archive, info, name=name, target=target, zip_path=zip_path, limits=limits, before=written
            )
            result.files.append(target)
    return result


def _member_write(archive, info, *, name: str, target: Path, zip_path: Path, limits: ZipLimits, before: int) -> int:
    """Write one member to ``target``, counting the bytes written against the limits; the number written.

    zipfile stops at the size the directory declares and then checks the CRC, so a member whose headers lie about
    its size (or a bomb declaring a small one) ends in a CRC error here, not in a large file.
    """
    member_bytes = 0
    try:
        with archive.open(info) as source, target.open("xb") as sink:
            while chunk := source.read(CHUNK):
                member_bytes += len(chunk)
                too_compressed = member_bytes / max(info.compress_size, 1) > limits.max_ratio
                if before + member_bytes > limits.max_total_bytes or member_bytes > info.file_size or too_compressed:
                    message = _("member '%(name)s' unpacks to more than its directory says (a zip bomb?)")
                    raise UnsafeArchive(message % {"name": name}, path=zip_path)
                sink.write(chunk)
    except _READ_ERRORS as error:
        raise UnsafeArchive(_read_problem(name, error), path=zip_path) from error
    return member_bytes
