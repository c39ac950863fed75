"""What a reference document may give a brief, and nothing more.

A reference ``.docx`` is copied from colleagues by hand, so it is input like any
other. It gives (README, "Audiences and templates"): its styles, its numbering,
its page size and margins, and its header and footer text with the PAGE and
NUMPAGES fields briefgen itself writes. :func:`clean_reference` builds a new
package from those parts alone, rewritten element by element; everything else
(macros, an attached template, external relationships, other fields, pictures,
embedded objects, custom XML) is left behind, and the dangerous kinds are named
in a warning.

Sizes are checked before anything is inflated: the file, the number of parts, each
part's size as the ZIP's central directory states it, and the total; the inflating
itself stops at the cap too (a central directory can lie).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from briefgen.errors import BriefgenError, Problem
from briefgen.inputfiles import NotAnInput, read_regular

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_PARTS = 2000
MAX_PART_BYTES = 8 * 1024 * 1024  # styles.xml of a big corporate template is ~1 MB
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # all parts, inflated, as the ZIP states them

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = R  # relationship types share this base
OFFICE_DOCUMENT = f"{RELS}/officeDocument"
KEPT_TYPES = {  # relationship type → content type, for the parts taken from the reference
    f"{RELS}/styles": "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    f"{RELS}/numbering": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
    ),
    f"{RELS}/header": "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    f"{RELS}/footer": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
    f"{RELS}/theme": "application/vnd.openxmlformats-officedocument.theme+xml",  # theme fonts
}
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SETTINGS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
PAGE_SETUP = {"headerReference", "footerReference", "pgSz", "pgMar", "titlePg", "pgNumType"}
RUN_CONTENT = {"rPr", "t", "tab", "br", "noBreakHyphen", "softHyphen"}
PAGE_FIELDS = {"PAGE", "NUMPAGES"}
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
)


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def clean_reference(path: Path) -> tuple[bytes, list[str]]:
    """A new .docx holding only what a reference document gives, and what was dropped."""
    try:
        data = read_regular(path, MAX_FILE_BYTES)
        package = zipfile.ZipFile(io.BytesIO(data))
    except NotAnInput as exc:
        raise BriefgenError(Problem(f"cannot read the reference document: {exc}", path)) from None
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise BriefgenError(
            Problem(f"cannot read the reference document: {exc}; save it again from Word", path)
        ) from None
    check_sizes(package, path)
    return Cleaner(package, path).package()


def check_sizes(package: zipfile.ZipFile, path: Path) -> None:
    infos = package.infolist()
    total = sum(info.file_size for info in infos)
    if len(infos) > MAX_PARTS or total > MAX_TOTAL_BYTES:
        raise BriefgenError(
            Problem(
                f"cannot read the reference document: it unpacks to {total // 2**20} MB in "
                f"{len(infos)} parts (the limit is {MAX_TOTAL_BYTES // 2**20} MB in "
                f"{MAX_PARTS} parts); save a plain copy from Word",
                path,
            )
        )


class Cleaner:
    def __init__(self, package: zipfile.ZipFile, path: Path) -> None:
        self.zip = package
        self.path = path
        self.names = set(package.namelist())
        self.dropped: dict[str, None] = {}

    def read(self, name: str) -> bytes:
        """A part, inflated no further than the cap, whatever the directory said."""
        info = self.zip.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise self.error(f"part {name} is larger than {MAX_PART_BYTES // 2**20} MB")
        try:
            with self.zip.open(info) as stream:
                data = stream.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise self.error(f"part {name} cannot be read ({exc})") from None
        if len(data) > MAX_PART_BYTES:
            raise self.error(f"part {name} is larger than {MAX_PART_BYTES // 2**20} MB")
        return data

    def xml(self, name: str):
        try:
            return etree.fromstring(self.read(name), PARSER)
        except etree.XMLSyntaxError as exc:
            raise self.error(f"part {name} is not well-formed XML ({exc})") from None

    def error(self, message: str) -> BriefgenError:
        return BriefgenError(
            Problem(f"cannot read the reference document: {message}; save it again", self.path)
        )

    def relationships(self, part: str) -> list[tuple[str, str, str, str]]:
        """(id, type, target part, mode) of a part's relationships; external ones are noted."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels not in self.names:
            return []
        found = []
        for rel in self.xml(rels).iter(f"{{{PR}}}Relationship"):
            kind, target = rel.get("Type", ""), rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                self.dropped[f"an external {kind.rpartition('/')[2]} link ({target[:60]})"] = None
                continue
            resolved = posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
            found.append((rel.get("Id", ""), kind, resolved, ""))
        return found

    def package(self) -> tuple[bytes, list[str]]:
        self.note_dangerous_parts()
        main = next(
            (target for _, kind, target, _ in self.relationships("") if kind == OFFICE_DOCUMENT),
            None,
        )
        if main is None or main not in self.names:
            raise self.error("it has no main document")
        parts: dict[str, tuple[bytes, str]] = {}
        document_rels: list[tuple[str, str, str]] = []
        kept_ids: set[str] = set()
        for rel_id, kind, target, _ in self.relationships(main):
            if kind == f"{RELS}/settings" and target in self.names:
                self.settings(target)  # only noted: what briefgen uses is in the settings below
            if kind not in KEPT_TYPES or target not in self.names:
                continue
            self.relationships(target)  # none is carried over; the external ones are named
            name = f"word/{kind.rpartition('/')[2]}{len(parts) + 1}.xml"
            root = self.xml(target)
            if kind.endswith(("/header", "/footer")):
                root = self.header_footer(root, target)
            else:
                strip_relationship_references(root)
                for picture in root.iter(w("numPicBullet"), w("lvlPicBulletId")):
                    picture.getparent().remove(picture)
            parts[name] = (etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                          standalone=True), KEPT_TYPES[kind])  # fmt: skip
            document_rels.append((rel_id, kind, posixpath.basename(name)))
            kept_ids.add(rel_id)
        parts["word/document.xml"] = (self.document(main, kept_ids), MAIN_TYPE)
        parts["word/settings.xml"] = (self.settings_xml, SETTINGS_TYPE)
        document_rels.append(("rIdSettings", f"{RELS}/settings", "settings.xml"))
        return write_package(parts, document_rels), list(self.dropped)

    def note_dangerous_parts(self) -> None:
        for name in sorted(self.names):
            lower = name.lower()
            if "vbaproject" in lower or "vbadata" in lower:
                self.dropped["macros (vbaProject)"] = None
            elif "activex" in lower:
                self.dropped["ActiveX controls"] = None
            elif "embeddings/" in lower or "oleobject" in lower:
                self.dropped["embedded objects"] = None

    settings_xml = b""

    def settings(self, target: str) -> None:
        """Settings briefgen uses (even and odd page headers); an attached template or a
        mail-merge source is noted as dropped."""
        root = self.xml(target)
        self.relationships(target)
        if root.find(w("attachedTemplate")) is not None:
            self.dropped["an attached template"] = None
        if root.find(w("mailMerge")) is not None:
            self.dropped["a mail-merge data source"] = None
        even_odd = root.find(w("evenAndOddHeaders")) is not None
        self.settings_xml = settings_part(even_odd)

    def document(self, main: str, kept_ids: set[str]) -> bytes:
        """The main document: an empty body and its page setup (size, margins, the header
        and footer references that were kept, a different first page)."""
        source = self.xml(main)
        sections = list(source.iter(w("sectPr")))
        document = etree.Element(w("document"), nsmap={"w": W, "r": R})
        body = etree.SubElement(document, w("body"))
        section = etree.SubElement(body, w("sectPr"))
        for child in sections[-1] if sections else []:
            if not isinstance(child.tag, str) or etree.QName(child).localname not in PAGE_SETUP:
                continue
            if child.tag in (w("headerReference"), w("footerReference")):
                if child.get(f"{{{R}}}id") not in kept_ids:
                    continue
            section.append(copy_attributes(child))
        return etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)

    def header_footer(self, source, name: str):
        """The header's paragraphs as text runs, with PAGE and NUMPAGES fields only."""
        root = etree.Element(source.tag, nsmap={"w": W})
        for paragraph in paragraphs(source, self.dropped, name):
            root.append(self.paragraph(paragraph, name))
        if not len(root):
            etree.SubElement(root, w("p"))  # Word wants at least one paragraph
        return root

    def paragraph(self, source, name: str):
        paragraph = etree.Element(w("p"))
        properties = source.find(w("pPr"))
        if properties is not None:
            properties = clean_copy(properties)
            for extra in properties.findall(w("sectPr")) + properties.findall(w("pPrChange")):
                properties.remove(extra)
            paragraph.append(properties)
        in_field, instruction, keep_field = False, "", False
        for run in source.iter(w("r"), w("fldSimple")):
            if run.tag == w("fldSimple"):
                self.simple_field(run, paragraph, name)
                continue
            if inside(run, {w("fldSimple"), w("drawing"), w("pict"), w("object")}):
                continue
            char = run.find(w("fldChar"))
            kind = char.get(w("fldCharType")) if char is not None else None
            if kind == "begin":
                in_field, instruction, keep_field = True, "", False
                pending = [run]
                continue
            if in_field and kind is None and run.find(w("instrText")) is not None:
                instruction += "".join(run.find(w("instrText")).itertext())
                pending.append(run)
                continue
            if kind == "separate" and in_field:
                keep_field = field_name(instruction) in PAGE_FIELDS
                if keep_field:
                    paragraph.extend(page_field_runs(pending + [run]))
                else:
                    self.dropped[f"field {field_name(instruction) or '?'} in {name}"] = None
                continue
            if kind == "end":
                if keep_field:
                    paragraph.extend(page_field_runs([run]))
                elif in_field and not instruction.strip():
                    pass
                elif in_field and field_name(instruction) not in PAGE_FIELDS:
                    self.dropped[f"field {field_name(instruction) or '?'} in {name}"] = None
                in_field = keep_field = False
                continue
            if in_field and not keep_field:
                continue  # a dropped field's instruction or shown result
            paragraph.append(text_run(run, self.dropped, name))
        return paragraph

    def simple_field(self, field, paragraph, name: str) -> None:
        instruction = field.get(w("instr"), "")
        if field_name(instruction) in PAGE_FIELDS:
            simple = etree.SubElement(paragraph, w("fldSimple"))
            simple.set(w("instr"), f" {field_name(instruction)} ")
            for run in field.findall(w("r")):
                simple.append(text_run(run, self.dropped, name))
        else:
            self.dropped[f"field {field_name(instruction) or '?'} in {name}"] = None


def paragraphs(root, dropped: dict, name: str):
    """Paragraphs of a header or footer, tables included; not those inside pictures."""
    for element in root.iter(w("p")):
        if inside(element, {w("drawing"), w("pict"), w("object"), w("txbxContent")}):
            continue
        yield element
    for kind in ("drawing", "pict", "object"):
        if root.find(f".//{w(kind)}") is not None:
            dropped[f"pictures and objects in {name}"] = None


def inside(element, tags: set[str]) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def text_run(source, dropped: dict, name: str):
    """A run with its formatting and text only."""
    run = etree.Element(w("r"))
    for child in source:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if child.tag.startswith(f"{{{W}}}") and local in RUN_CONTENT:
            run.append(clean_copy(child))
        elif local in ("drawing", "pict", "object"):
            dropped[f"pictures and objects in {name}"] = None
    return run


def page_field_runs(runs):
    return [clean_field_run(run) for run in runs]


def clean_field_run(source):
    run = etree.Element(w("r"))
    for child in source:
        if child.tag in (w("rPr"), w("fldChar"), w("t")):
            run.append(clean_copy(child))
        elif child.tag == w("instrText"):
            text = etree.SubElement(run, w("instrText"))
            text.text = f" {field_name(''.join(child.itertext()))} "
    return run


def field_name(instruction: str) -> str:
    words = instruction.split()
    return words[0].upper() if words else ""


def clean_copy(element):
    """A copy of a formatting element with only WordprocessingML inside, no references."""
    copy = etree.fromstring(etree.tostring(element), PARSER)
    for child in list(copy.iter()):
        if child is copy or not isinstance(child.tag, str):
            continue
        if not child.tag.startswith(f"{{{W}}}") and child.getparent() is not None:
            child.getparent().remove(child)
    strip_relationship_references(copy)
    return copy


def copy_attributes(element):
    copy = etree.Element(element.tag)
    for key, value in element.attrib.items():
        if key.startswith((f"{{{W}}}", f"{{{R}}}")):
            copy.set(key, value)
    return copy


def strip_relationship_references(root) -> None:
    """No element of a kept part may point at a relationship: none is carried over."""
    for element in root.iter():
        for key in [key for key in element.attrib if key.startswith(f"{{{R}}}")]:
            del element.attrib[key]


def settings_part(even_and_odd: bool) -> bytes:
    settings = etree.Element(w("settings"), nsmap={"w": W})
    if even_and_odd:
        etree.SubElement(settings, w("evenAndOddHeaders"))
    return etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_package(parts: dict[str, tuple[bytes, str]], document_rels) -> bytes:
    types = etree.Element(f"{{{CT}}}Types", nsmap={None: CT})
    for extension, kind in (
        ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
        ("xml", "application/xml"),
    ):
        etree.SubElement(types, f"{{{CT}}}Default", Extension=extension, ContentType=kind)
    for name, (_, kind) in parts.items():
        etree.SubElement(types, f"{{{CT}}}Override", PartName=f"/{name}", ContentType=kind)
    root_rels = relationships_xml([("rId1", OFFICE_DOCUMENT, "word/document.xml")])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", etree.tostring(types, xml_declaration=True,
                                                               encoding="UTF-8"))  # fmt: skip
        package.writestr("_rels/.rels", root_rels)
        package.writestr("word/_rels/document.xml.rels", relationships_xml(document_rels))
        for name, (data, _) in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def relationships_xml(rels) -> bytes:
    root = etree.Element(f"{{{PR}}}Relationships", nsmap={None: PR})
    for rel_id, kind, target in rels:
        etree.SubElement(root, f"{{{PR}}}Relationship", Id=rel_id, Type=kind, Target=target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
