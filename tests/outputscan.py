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


def pdf_findings(path: Path, tmp: Path) -> list[str]:
    """Attachments, links to unsafe schemes, scripts and launch actions in a PDF."""
    found = []
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


def docx_findings(path: Path) -> list[str]:
    """External relationships other than http(s)/mailto hyperlinks, macros, OLE objects,
    an attached template, and fields other than the ones briefgen writes."""
    found = []
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
