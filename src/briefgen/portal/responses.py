"""Plain helpers of the portal's answers: reading a file safely, conditional requests,
download names, where a button may send a reader back to, sizes and times."""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import re
import stat
import unicodedata
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request


def read_regular_file(folder: Path, name: str) -> tuple[bytes, float]:
    """The bytes of ``folder/name`` if it is a regular file there (no symbolic link on
    the way), read from one open descriptor; else 404."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) or ".." in name:
        raise HTTPException(404, "no such file")
    try:
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        raise HTTPException(404, "no such file") from None
    try:
        descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=directory)
    except OSError:
        raise HTTPException(404, "no such file") from None
    finally:
        os.close(directory)
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise HTTPException(404, "no such file")
        return file.read(), info.st_mtime


def not_modified(request: Request, etag: str, modified: float) -> bool:
    """RFC 9110: If-None-Match wins; If-Modified-Since only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(modified) <= email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def download_name(entry: dict, brief_id: str, output_format: str) -> str:
    """``<reference> <title>.<format>``, cut to a length every system takes, with
    nothing a file system or a header could trip on."""
    name = f"{entry.get('reference') or ''} {entry.get('title') or ''}".strip() or brief_id
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', " ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")[:120].strip(" .")
    return f"{name or brief_id}.{output_format}"


def attachment(name: str, fallback: str) -> str:
    """RFC 6266: ``filename*`` in UTF-8, which browsers use, and for older clients an
    ASCII ``filename``: the name itself if it is ASCII, else ``fallback``."""
    ascii_name = name if name.isascii() else fallback
    ascii_name = re.sub(r"[^A-Za-z0-9 ._()-]", "", ascii_name) or fallback
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def same_site_only(request: Request) -> None:
    """For every POST: a page elsewhere may not make a reader's browser start builds here."""
    if request.method == "POST" and cross_site(request):
        raise HTTPException(403, "cross-site request refused")


def cross_site(request: Request) -> bool:
    """Sent by a page of another site? (Fetch metadata, else the Origin header.)"""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc != request.headers.get("host")


def same_site(target: str) -> str:
    """Where a button sends the reader back to: a path on this site, never elsewhere."""
    return target if re.fullmatch(r"/(?![/\\])[^\s]*", target) else "/"


def human_size(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


def human_time(moment: str | None) -> str:
    if not moment:
        return ""
    try:
        return dt.datetime.fromisoformat(moment).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return moment
