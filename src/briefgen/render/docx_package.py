"""The DOCX package: core properties from the brief, Word's proofing language, and
the ZIP rewritten with fixed timestamps so the same inputs give the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from briefgen.render import htmltree as tree

# Word's proofing language for the brief's language.
WORD_LANGUAGES = {"en": "en-GB", "ru": "ru-RU", "kk": "kk-KZ"}
# python-docx's template says it was made by "Microsoft Macintosh Word" and carries a
# thumbnail of an empty page; we state our own application and drop the thumbnail.
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>briefgen</Application><DocSecurity>0</DocSecurity></Properties>"
)
THUMBNAIL = "docProps/thumbnail.jpeg"
ZIP_EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
ZIP_LATEST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)
THUMBNAIL_RELATIONSHIP = re.compile(r'<Relationship [^>]*Target="docProps/thumbnail\.jpeg"/>')


def brief_datetime(meta: dict[str, str]) -> dt.datetime:
    created = meta.get("dcterms.created") or "1980-01-01"
    return dt.datetime.combine(dt.date.fromisoformat(created[:10]), dt.time(), dt.UTC)


def set_properties(word, document: tree.HtmlDocument) -> None:
    """Core properties from the brief, never python-docx's defaults or the clock."""
    meta = document.meta
    properties = word.core_properties
    # Word's limit for each of these fields is 255 characters (python-docx refuses more).
    properties.title = cut(document.title)
    properties.subject = cut(meta.get("description", ""))
    properties.author = cut(meta.get("author", ""))
    properties.last_modified_by = cut(meta.get("author", ""))
    properties.keywords = cut(fit(meta.get("keywords", ""), 255))
    properties.language = cut(document.language)
    set_proofing_language(word, WORD_LANGUAGES.get(document.language, document.language))
    properties.category = cut(meta.get("briefgen:category", ""))
    properties.content_status = cut(meta.get("briefgen:marking", ""))
    properties.comments = ""
    properties.revision = 1
    properties.created = properties.modified = brief_datetime(meta)


def cut(text: str, limit: int = 255) -> str:
    """``text`` within ``limit`` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit(text: str, limit: int) -> str:
    """``text`` cut at its last comma before ``limit`` characters."""
    return text if len(text) <= limit else text[:limit].rsplit(",", 1)[0]


def set_proofing_language(word, language: str) -> None:
    """Spell-check in the brief's language: the document default run language."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    run_defaults = defaults.find(qn("w:rPrDefault"))
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if properties is None:
        return
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)


def zip_timestamp(meta: dict[str, str], epoch: str | None = None) -> tuple[int, ...]:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the brief's date."""
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch and epoch.isdigit()
        else brief_datetime(meta)
    )
    # The ZIP format holds years 1980 to 2107 only.
    moment = min(max(moment, ZIP_EARLIEST), ZIP_LATEST)
    return moment.timetuple()[:6]


def normalise_zip(data: bytes, timestamp: tuple[int, ...]) -> bytes:
    """Rewrite the package with one fixed timestamp, keeping the entry order.

    Also replaces the template's app.xml and drops its thumbnail (see APP_XML).
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == THUMBNAIL:
                continue
            content = source.read(info.filename)
            if info.filename == "docProps/app.xml":
                content = APP_XML.encode("utf-8")
            elif info.filename == "_rels/.rels":
                content = THUMBNAIL_RELATIONSHIP.sub("", content.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=timestamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
