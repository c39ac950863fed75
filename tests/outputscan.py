"""Read an output file the way an attacker's payload would show: what a PDF or DOCX
holds beyond text, pictures and safe links. Used by every safety test on real files."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

BAD_SCHEMES = re.compile(rb"/URI\s*\((?:\\.|[^)])*?(javascript|file|data|vbscript):", re.I)
SAFE_TARGET = re.compile(r"^(https?:|mailto:)", re.I)
FIELD = re.compile(r"^\s*([A-Za-z]+)")
BRIEFGEN_FIELDS = {"PAGE", "NUMPAGES", "TOC"}


def pdf_link_targets(path: Path) -> set[str]:
    """Every web address the PDF's link annotations open."""
    from pypdf import PdfReader

    targets = set()
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A", {})
            if "/URI" in action:
                targets.add(str(action["/URI"]))
    return targets


def docx_link_targets(path: Path) -> set[str]:
    """Every target of an external relationship, in any part of the DOCX."""
    with zipfile.ZipFile(path) as package:
        return {
            re.search(r'Target="([^"]*)"', rel).group(1).replace("&amp;", "&")
            for name in package.namelist() if name.endswith(".rels")
            for rel in re.findall(r"<Relationship [^>]*>", package.read(name).decode("utf-8"))
            if 'TargetMode="External"' in rel
        }  # fmt: skip


def pdf_findings(path: Path, tmp: Path, links: set[str] | None = None) -> list[str]:
    """Attachments, links to unsafe schemes, scripts and launch actions in a PDF; with
    ``links`` (e.g. the dataset's source addresses), any link to another address too."""
    found = []
    if links is not None:
        found += [f"a link to {target}" for target in sorted(pdf_link_targets(path) - links)]
    listing = subprocess.run(
        ["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    if not listing.startswith("0 embedded files"):
        found.append(f"pdfdetach: {listing.strip()}")
    plain = tmp / (path.stem + ".qdf.pdf")  # streams and object streams unpacked
    subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(path), str(plain)],
        check=False, capture_output=True,
    )  # fmt: skip
    data = plain.read_bytes()
    for pattern, what in (
        (BAD_SCHEMES, "a /URI with an unsafe scheme"),
        (rb"/EmbeddedFile", "an /EmbeddedFile"),
        (rb"/FileAttachment", "a file attachment annotation"),
        (rb"/JavaScript|/JS\b", "JavaScript"),
        (rb"/Launch", "a launch action"),
        (rb"/AcroForm", "a form"),
    ):
        if re.search(pattern, data):
            found.append(what)
    return found


def docx_findings(path: Path, links: set[str] | None = None) -> list[str]:
    """External relationships other than http(s)/mailto hyperlinks, macros, OLE objects,
    an attached template, and fields other than the ones briefgen writes; with ``links``
    (e.g. the dataset's source addresses), any external target but those too."""
    found = []
    if links is not None:
        found += [f"a link to {target}" for target in sorted(docx_link_targets(path) - links)]
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            lower = name.lower()
            if "vba" in lower or "activex" in lower or "embeddings" in lower:
                found.append(f"part {name}")
            if not name.endswith((".xml", ".rels")):
                continue
            text = package.read(name).decode("utf-8")
            if name.endswith(".rels"):
                for rel in re.findall(r"<Relationship [^>]*>", text):
                    target = re.search(r'Target="([^"]*)"', rel).group(1)
                    external = 'TargetMode="External"' in rel
                    if "attachedTemplate" in rel or "oleObject" in rel or "vbaProject" in rel:
                        found.append(f"{name}: {rel}")
                    elif external and not (rel.count("/hyperlink") and SAFE_TARGET.match(target)):
                        found.append(f"{name}: external {rel}")
                continue
            if "attachedTemplate" in text or "w:mailMerge" in text:
                found.append(f"{name}: attached template or mail merge")
            if "<w:object" in text or "<o:OLEObject" in text:
                found.append(f"{name}: an OLE object")
            instructions = re.findall(r"<w:instrText[^>]*>([^<]*)<", text)
            instructions += re.findall(r'w:instr="([^"]*)"', text)
            for instruction in instructions:
                match = FIELD.match(instruction)
                if not match or match.group(1).upper() not in BRIEFGEN_FIELDS:
                    found.append(f"{name}: field {instruction.strip()[:40]}")
    return found
