"""Workspaces and audiences made for the user: ``briefgen init`` and ``briefgen audience``.

A new audience is a copy of an existing one in the workspace's ``templates/``,
each file opening with a comment that says what it controls; the workspace
copy then overrides the built-in files of that name, file by file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from briefgen.datamodel import SLUG_PATTERN
from briefgen.errors import BriefgenError, Problem, did_you_mean
from briefgen.workspace import (
    AUDIENCE_ENTRY,
    AUDIENCE_SETTINGS,
    REFERENCE_DOCX,
    SCHEME_FILE,
    audience_file,
    audience_settings,
    audiences,
    builtin_templates_dir,
    template_dirs,
)

SLUG = re.compile(SLUG_PATTERN)

# What each file of an audience controls, written at the top of the copies.
HEADERS = {
    AUDIENCE_ENTRY: (
        "{{#- {name}/brief.html.j2 (copied from {base} by `briefgen audience new`): the layout\n"
        "    of {name} briefs, for PDF and DOCX alike. It extends base/base.html.j2; override\n"
        "    any of its blocks (stylesheets, cover, lead, body, decision, contact, endnotes)\n"
        "    and keep the rest. See README, 'Make a brief for a new audience'. -#}}\n"
    ),
    "style.css": (
        "/* {name}/style.css (copied from {base}): how {name} briefs look in the PDF,\n"
        "   after base/style.css. The DOCX takes its looks from reference.docx. */\n"
    ),
    AUDIENCE_SETTINGS: (
        "# {name}/audience.yaml (copied from {base}): what briefgen knows of this audience\n"
        "# besides its templates: a description, and the page budget of specs that set none.\n"
    ),
}


def workspace_templates(workspace: Path) -> list[Path]:
    """Lookup order for a workspace: its own templates, then the built-in ones."""
    return template_dirs(Path(workspace) / "briefs" / "any.yaml")


@dataclass(frozen=True)
class AudienceRow:
    name: str
    description: str
    folder: Path
    builtin: bool


def list_audiences(workspace: Path) -> list[AudienceRow]:
    dirs = workspace_templates(workspace)
    builtin = builtin_templates_dir().resolve()
    return [
        AudienceRow(name, description(dirs, name), folder, folder.resolve().is_relative_to(builtin))
        for name, folder in sorted(audiences(dirs).items())
    ]


def description(dirs: list[Path], name: str) -> str:
    try:
        return audience_settings(dirs, name).description
    except BriefgenError as exc:  # one broken audience.yaml must not hide the others
        return f"error: {exc.problems[0]}"


RESERVED = {"base"}  # the shared layout every audience extends


def new_audience(
    workspace: Path, name: str, base: str, description: str | None = None
) -> list[Path]:
    """Copy audience ``base`` into ``<workspace>/templates/<name>/``; return the files written.

    Each file is taken where the lookup finds it (the workspace's own override
    first), so the copy starts from what ``base`` briefs look like today.
    """
    if not SLUG.match(name) or name in RESERVED:
        raise BriefgenError(
            f"'{name}' cannot name an audience; use lowercase letters, digits and -, not 'base'"
        )
    dirs = workspace_templates(workspace)
    known = audiences(dirs)
    if base not in known:
        raise BriefgenError(
            f"no audience '{base}' to copy{did_you_mean(base, known)} (known: {', '.join(known)})"
        )
    target = Path(workspace) / "templates" / name
    if target.exists():
        raise BriefgenError(Problem("already exists; choose another name or edit it", target))
    try:
        written = copy_audience(dirs, base, name, target)
        describe_audience(target / AUDIENCE_SETTINGS, description or f"Copied from {base}; "
                          f"describe it in templates/{name}/{AUDIENCE_SETTINGS}.")  # fmt: skip
        # The workspace's schema lists its audiences: the new one completes at once.
        from briefgen.schema import SPEC_SCHEMA_FILE, workspace_schema

        schema = Path(workspace) / SPEC_SCHEMA_FILE
        if schema.is_file():
            schema.write_text(workspace_schema(Path(workspace)), encoding="utf-8")
            written.append(schema)
        return written
    except OSError as exc:
        raise BriefgenError(
            Problem(f"cannot write: {exc.strerror}", exc.filename or target)
        ) from None


def describe_audience(settings: Path, description: str) -> None:
    """The copy's own description, not its base's (``audience list`` would show two alike)."""
    text = settings.read_text(encoding="utf-8")
    line = f"description: {json.dumps(description, ensure_ascii=False)}"
    if re.search(r"^description:.*$", text, flags=re.M):
        text = re.sub(r"^description:.*$", lambda _: line, text, count=1, flags=re.M)
    else:
        text += f"{line}\n"
    settings.write_text(text, encoding="utf-8")


def copy_audience(dirs: list[Path], base: str, name: str, target: Path) -> list[Path]:
    target.mkdir(parents=True)
    names = sorted({p.name for d in dirs if (d / base).is_dir() for p in (d / base).iterdir()})
    written = []
    for file_name in names:
        source = audience_file(dirs, base, file_name)
        if source is None:
            continue
        path = target / file_name
        if file_name in HEADERS:
            text = strip_header(source.read_text(encoding="utf-8"), file_name)
            # The copy's own files, not the base audience's, wherever the template names them.
            text = text.replace(f"'{base}/", f"'{name}/").replace(f'"{base}/', f'"{name}/')
            path.write_text(HEADERS[file_name].format(name=name, base=base) + text, "utf-8")
        else:
            path.write_bytes(source.read_bytes())  # reference.docx, partials, images
        written.append(path)
    if not (target / REFERENCE_DOCX).exists():
        written.append(write_reference(target))
    return written


def strip_header(text: str, file_name: str) -> str:
    """The base file without its own opening comment (the copy gets a new one)."""
    patterns = {
        AUDIENCE_ENTRY: r"^\{#-?.*?-?#\}\n",
        "style.css": r"^/\*.*?\*/\n",
        AUDIENCE_SETTINGS: r"^(#[^\n]*\n)+",
    }
    return re.sub(patterns[file_name], "", text, count=1, flags=re.S)


def write_reference(folder: Path) -> Path:
    from briefgen.render.docx import house_reference

    path = folder / REFERENCE_DOCX
    path.write_bytes(house_reference())
    return path


SAMPLE_BRIEF = """\
{modeline}
# A sample brief: build it with `briefgen build briefs/sample.yaml`, then make it yours.
# README.md in this folder says where things are; `briefgen data list facts` shows
# what you can select.

id: sample
title: The Global Initiative on IHL in brief
audience: minister
date: {date}
reference: REF-0001
marking: {marking}
for: Minister
from: International Law Department
contact:
  name: A. Officer
  role: Desk Officer
critical_date: Routine

sections:
  - heading: Purpose
    kind: purpose
    text: To set out the Global Initiative on IHL and the states behind it.

  - heading: Key points
    kind: key-points
    select:
      facts:
        ids: [initiative-mobilises-political-will, six-founding-states, ninety-states-joined]

  - heading: In their words
    kind: quotes
    select:
      quotes:
        ids: [milosevic-ihl-not-optional]
"""

WORKSPACE_README = """\
# Briefing workspace

- `briefs/`: one YAML spec per brief. `briefgen build briefs/` builds them all
  into `build/`; `briefgen validate briefs/` only checks them.
- `templates/`: your own audiences and overrides. `briefgen audience list` shows
  every audience and where it lives; `briefgen audience new NAME --from minister`
  copies one here to change.
- `build/`: what briefgen writes (PDF, DOCX, manifest.json); safe to delete.
- `brief.schema.json`: what a spec may hold, for your editor (VS Code with the
  YAML extension completes keys, audiences and dataset ids from it); refresh it
  with `briefgen schema` when the dataset or the audiences change.
- `markings.yaml` (if there is one): the marking scheme briefs here are marked
  with; without it, briefgen's default (UNCLASSIFIED to TOP SECRET).
"""


def init_workspace(folder: Path, today: str, markings: str | None = None) -> list[Path]:
    """A new workspace: briefs/ with a sample, templates/, a README, and with ``markings``
    a copy of that shipped marking scheme; return what was written (a README already
    there is kept)."""
    from briefgen.markings import load_scheme, shipped_schemes
    from briefgen.schema import MODELINE, SPEC_SCHEMA_FILE, workspace_schema

    folder = Path(folder)
    schemes = shipped_schemes()
    if markings is not None and markings not in schemes:
        raise BriefgenError(
            Problem(
                f"--markings: no shipped marking scheme '{markings}'"
                f"{did_you_mean(markings, schemes)} (shipped: {', '.join(schemes)})"
            )
        )
    if (folder / "briefs").exists() or (folder / "templates").exists():
        raise BriefgenError(Problem("already holds a workspace (briefs/ or templates/)", folder))
    scheme_file = schemes[markings or "default"]
    try:
        (folder / "briefs").mkdir(parents=True)
        (folder / "templates").mkdir()
        written = []
        if markings is not None:
            (folder / SCHEME_FILE).write_bytes(scheme_file.read_bytes())
            written.append(folder / SCHEME_FILE)
        # The sample shows items of the scheme's default marking, so it is marked so.
        marking = load_scheme(folder).content.items_default
        sample = folder / "briefs" / "sample.yaml"
        sample.write_text(
            SAMPLE_BRIEF.format(date=today, marking=marking, modeline=MODELINE), encoding="utf-8"
        )
        written.append(sample)
        # Editors with the YAML language server complete and check specs against it.
        (folder / SPEC_SCHEMA_FILE).write_text(workspace_schema(folder), encoding="utf-8")
        written.append(folder / SPEC_SCHEMA_FILE)
        readme = folder / "README.md"
        if not readme.exists():
            readme.write_text(WORKSPACE_README, encoding="utf-8")
            written.append(readme)
    except OSError as exc:
        raise BriefgenError(
            Problem(f"cannot write: {exc.strerror}", exc.filename or folder)
        ) from None
    return written
