"""Where briefs and templates live.

A *workspace* is a folder with ``briefs/`` and, optionally, ``templates/``.
briefgen finds it from a spec's location: the folder that holds the spec's
``briefs/`` folder, or, for a spec elsewhere, the spec's own folder. Templates
are looked up first in the workspace's ``templates/``, then in the ones that
ship with briefgen.
An *audience* is a folder of ``templates/`` holding ``brief.html.j2``.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import BriefgenError

PACKAGE_DIR = Path(__file__).parent
AUDIENCE_ENTRY = "brief.html.j2"
DEFAULT_DATASET = PACKAGE_DIR / "data" / "ihl-global-initiative.yaml"
SCHEMES_DIR = PACKAGE_DIR / "data" / "markings"  # the marking schemes briefgen ships
SCHEME_FILE = "markings.yaml"  # a workspace's own marking scheme (see briefgen.markings)


def entry_template(audience: str) -> str:
    """The template an audience starts from, as the loader names it."""
    return f"{audience}/{AUDIENCE_ENTRY}"


def builtin_templates_dir() -> Path:
    """The templates shipped with briefgen.

    An installed wheel carries them inside the package; a source checkout
    (editable install) keeps them at the top of the repository.
    """
    packaged = PACKAGE_DIR / "templates"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent.parent / "templates"


def find_workspace(spec_path: Path) -> Path:
    """The folder holding the spec's ``briefs/`` folder, else the spec's own folder.

    Never further up: a ``templates/`` folder planted higher up (in /tmp, say)
    must not take over the briefs below it.
    """
    folder = Path(spec_path).resolve().parent
    return folder.parent if folder.name == "briefs" else folder


def template_dirs(spec_path: Path | None = None) -> list[Path]:
    """Template folders in lookup order: the workspace's, then the built-in ones."""
    dirs = []
    workspace = find_workspace(spec_path) if spec_path else None
    if workspace is not None and (workspace / "templates").is_dir():
        dirs.append((workspace / "templates").resolve())
    builtin = builtin_templates_dir().resolve()
    if builtin not in dirs:
        dirs.append(builtin)
    return dirs


def audiences(dirs: list[Path]) -> dict[str, Path]:
    """Audience name → the folder that provides its entry template (first wins)."""
    found: dict[str, Path] = {}
    for base in dirs:
        if not base.is_dir():
            continue
        for folder in sorted(base.iterdir()):
            if (folder / AUDIENCE_ENTRY).is_file():
                found.setdefault(folder.name, folder)
    return found


AUDIENCE_SETTINGS = "audience.yaml"
REFERENCE_DOCX = "reference.docx"


def audience_file(dirs: list[Path], audience: str, name: str) -> Path | None:
    """An audience's file, the first found in lookup order (workspace, then built-in)."""
    for base in dirs:
        path = base / audience / name
        if path.is_file() and path.resolve().is_relative_to(base.resolve()):
            return path
    return None


def audience_settings(dirs: list[Path], audience: str):
    """An audience's ``audience.yaml``, the first found in lookup order (none: defaults)."""
    from briefgen.specmodel import AudienceSettings
    from briefgen.validation import validate_document
    from briefgen.yamlsource import read_yaml

    path = audience_file(dirs, audience, AUDIENCE_SETTINGS)
    if path is None:
        return AudienceSettings()
    settings, problems = validate_document(
        AudienceSettings, read_yaml(path, max_bytes=64 * 1024, max_depth=4)
    )
    if problems:
        raise BriefgenError(problems)
    return settings


def expand_spec_paths(paths: list[Path]) -> list[Path]:
    """Spec files as given; a folder stands for the ``*.yaml`` files in it."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded += sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        else:
            expanded.append(path)
    # The same file named twice (briefs/x.yaml and ./briefs/x.yaml) is built once.
    first: dict[Path, Path] = {}
    for path in expanded:
        first.setdefault(path.resolve(), path)
    return list(first.values())


def scheme_path(workspace: Path | None) -> Path:
    """The workspace's ``markings.yaml`` if it has one, else the default scheme's file."""
    if workspace is not None:
        own = workspace / SCHEME_FILE
        if own.is_file():
            return own
    return SCHEMES_DIR / "default.yaml"


def dataset_folder(dataset: Path | None) -> Path:
    """The folder a dataset's files and source texts are in: the dataset itself when it
    is a folder of YAML files, else the file's folder."""
    path = Path(dataset or DEFAULT_DATASET)
    return path if path.is_dir() else path.parent
