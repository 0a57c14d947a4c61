"""The errors of backup and restore: one base class, narrow subclasses; each message says why and what to do."""


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


class ArchiveCorrupt(BackupError):
    """The archive is damaged, incomplete or not a Xenagos backup."""


class TargetNotEmpty(BackupError):
    """The database or media store to restore into already holds data."""


class ClientMissing(BackupError):
    """The PostgreSQL client tool matching the server is not installed."""


def first_line(error: BaseException) -> str:
    """The first line of an error's message (or its class name when it has none)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
