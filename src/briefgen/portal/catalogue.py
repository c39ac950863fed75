"""What the portal lists: every brief of the workspace, with its files and state.

A brief is one edition of one spec (``<id>`` and ``<id>-releasable``). Its
files come from ``build/manifest.json``, never from a folder listing. Its state:

- ``up to date``: built, and no file it is made from was touched since (the
  stamp :mod:`briefgen.cache` records);
- ``stale``: built, but the spec, the dataset or a template changed since (or
  the last build used other options: a draft, say), or a file is missing;
- ``never built``: no file yet;
- ``failed``: the spec does not load, or the last build the portal ran for it
  stopped with errors and nothing it is made from has changed since.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen.build import BuildOptions, spec_files, stamp_words
from briefgen.cache import dataset_stamp, file_stamp, spec_stamp, unchanged_outputs
from briefgen.errors import BriefgenError
from briefgen.workspace import audiences, template_dirs
from briefgen.write import read_manifest, spec_key

PORTAL_DIR = ".portal"  # in the output folder: failures, previews
FAILURES = "failures.json"
DOWNLOADABLE = ("pdf", "docx")
UP_TO_DATE, STALE, NEVER_BUILT, FAILED = "up to date", "stale", "never built", "failed"


@dataclass(frozen=True)
class Workspace:
    root: Path
    out_dir: Path
    dataset: Path | None = None

    @property
    def briefs_dir(self) -> Path:
        return self.root / "briefs"

    @property
    def portal_dir(self) -> Path:
        return self.out_dir / PORTAL_DIR


@dataclass(frozen=True)
class FileInfo:
    format: str
    name: str
    bytes: int
    sha256: str
    pages: int | None
    built: str | None


@dataclass(frozen=True)
class BriefInfo:
    id: str
    spec: str  # relative to the workspace
    title: str
    audience: str
    marking: str
    date: str
    reference: str
    edition: str
    state: str
    files: list[FileInfo] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # of the last failed build
    # Every marking known for it (the spec's, the built files'): who may see it is
    # decided on these, never on ``marking`` alone (see briefgen.portal.visibility).
    levels: tuple[str, ...] = ()
    clash: bool = False  # another spec gives the same id: not to be built by the id
    draft: bool = False  # its files (or, not yet built, its spec) are a draft
    stale_because: list[str] = field(default_factory=list)  # when stale: what changed

    @property
    def built(self) -> str | None:
        return max((f.built for f in self.files if f.built), default=None)

    @property
    def pages(self) -> int | None:
        return next((f.pages for f in self.files if f.format == "pdf"), None)

    def file(self, output_format: str) -> FileInfo | None:
        return next((f for f in self.files if f.format == output_format), None)

    def matches(self, text: str = "", audience: str = "", marking: str = "") -> bool:
        words = " ".join((self.id, self.title, self.reference, self.audience, self.marking))
        return (
            all(word in words.casefold() for word in text.casefold().split())
            and audience in ("", self.audience)
            and marking in ("", self.marking)
        )


def list_briefs(workspace: Workspace) -> list[BriefInfo]:
    """Every brief of the workspace, in spec order (then full edition first)."""
    manifest, _ = read_manifest(workspace.out_dir)
    failures = read_failures(workspace)
    walked: dict = {}
    briefs = []
    try:
        paths = spec_files([workspace.briefs_dir])
    except BriefgenError:
        return []
    for path in paths:
        stamp = spec_stamp(path, workspace.dataset, stamp_words(BuildOptions()), walked)
        briefs += spec_briefs(workspace, path, stamp, manifest, failures, walked)
    return one_per_id(briefs)


def one_per_id(briefs: list[BriefInfo]) -> list[BriefInfo]:
    """Two specs giving one id are one entry, failed, naming both specs: the id cannot
    say which to build, and what was built may be either's."""
    by_id: dict[str, list[BriefInfo]] = {}
    for brief in briefs:
        by_id.setdefault(brief.id, []).append(brief)
    kept = []
    for brief in briefs:
        claims = by_id[brief.id]
        if len(claims) == 1:
            kept.append(brief)
        elif brief is claims[0]:
            specs = [claim.spec for claim in claims]
            problem = (f"{' and '.join(specs)} both have id '{brief.id}': "
                       "give each spec an id of its own")  # fmt: skip
            levels = tuple(level for claim in claims for level in claim.levels)
            kept.append(replace(brief, state=FAILED, problems=[problem], levels=levels,
                                clash=True))  # fmt: skip
    return kept


def spec_briefs(
    workspace: Workspace, path: Path, stamp: str, manifest: dict, failures: dict,
    walked: dict | None = None,
) -> list[BriefInfo]:  # fmt: skip
    relative = os.path.relpath(path, workspace.root)
    source = spec_key(path, workspace.out_dir)
    failure = failures.get(relative)
    failed = failure is not None and failure.get("stamp") == stamp
    entries = {
        brief_id: entry
        for brief_id, entry in manifest["briefs"].items()
        if entry.get("spec") == source
    }
    fresh = unchanged_outputs(manifest, workspace.out_dir, path, stamp) is not None
    try:
        described = describe_spec(path, workspace)
    except BriefgenError as exc:  # a spec that does not load: show what the manifest knows
        described = None
        failed = True
        failure = {"problems": [shown(problem, workspace.root) for problem in exc.problems]}
    if described is None:
        described = [fallback_description(path, brief_id, entry) for brief_id, entry in
                     (entries.items() or [(path.stem, {})])]  # fmt: skip
    briefs = []
    because = []
    if not failed and not fresh and entries:
        from briefgen.portal.staleness import why_stale

        because = why_stale(
            workspace.root, workspace.out_dir, path, workspace.dataset, list(entries.values()),
            str(manifest.get("generator") or ""), described[0].get("draft"),
            {} if walked is None else walked,
        )
    for brief in described:
        entry = entries.get(brief["id"])
        if failed:
            state = FAILED
        elif entry is None:
            state = NEVER_BUILT
        else:
            state = UP_TO_DATE if fresh else STALE
        files = [file_info(f) for f in (entry or {}).get("files", [])]
        files = [f for f in files if f.format in DOWNLOADABLE]
        problems = failure.get("problems", []) if failed else []
        levels = known_levels(brief, entry)
        if entry is not None and brief["edition"] == "releasable":
            brief = {**brief, "marking": str(entry.get("marking") or "")}
        if entry is not None:
            brief = {**brief, "draft": bool(entry.get("draft"))}
        briefs.append(BriefInfo(**brief, spec=relative, state=state, files=files,
                                problems=problems, levels=levels,
                                stale_because=because if state == STALE else []))  # fmt: skip
    return briefs


def known_levels(described: dict, entry: dict | None) -> tuple[str, ...]:
    """The markings that decide who sees a brief: a releasable edition's is the one its
    build worked out (the spec's until it is built); a full edition's, both the spec's
    and its files' (a file built before the spec's marking changed keeps the old one)."""
    built = str(entry.get("marking") or "") if entry is not None else None
    if built is not None and described["edition"] == "releasable":
        return (built,)
    return (described["marking"], *([built] if built is not None else []))


def describe_entry(workspace: Workspace, brief_id: str, entry: dict) -> BriefInfo | None:
    """The brief a manifest entry belongs to, as far as a download needs it (its spec,
    edition and markings), without reading the other specs; None if its spec is not
    one of the workspace's briefs any more."""
    spec = entry.get("spec")
    if not isinstance(spec, str):
        return None
    path = (workspace.out_dir / spec).resolve()
    if (
        path.parent != workspace.briefs_dir.resolve()
        or path.suffix not in (".yaml", ".yml")
        or not path.is_file()
    ):
        return None
    try:
        described = [d for d in describe_spec(path, workspace) if d["id"] == brief_id]
    except BriefgenError:
        described = [fallback_description(path, brief_id, entry)]
    if not described:
        return None
    brief = described[0]
    return BriefInfo(**brief, spec=os.path.relpath(path, workspace.root), state="",
                     levels=known_levels(brief, entry))  # fmt: skip


def claims_of(workspace: Workspace, brief_id: str) -> list[BriefInfo]:
    """Every spec of the workspace that gives ``brief_id`` (two or more: a clash), as far
    as deciding who may see it needs: a download of a clashing id is for those who may
    see every claim, as the list shows it. Kept until a spec is added, removed or saved,
    so a download reads no spec."""
    key = (str(workspace.root), specs_stamp(workspace.briefs_dir))
    index = _claims.get(key)
    if index is None:
        index = {}
        try:
            paths = spec_files([workspace.briefs_dir])
        except BriefgenError:
            paths = []
        for path in paths:
            try:
                described = describe_spec(path, workspace)
            except BriefgenError:
                continue
            for brief in described:
                index.setdefault(brief["id"], []).append(BriefInfo(
                    **brief, spec=os.path.relpath(path, workspace.root), state="",
                    levels=(brief["marking"],)))  # fmt: skip
        if len(_claims) > 100:
            _claims.clear()
        _claims[key] = index
    return index.get(brief_id, [])


_claims: dict[tuple, dict[str, list[BriefInfo]]] = {}


def specs_stamp(folder: Path) -> tuple:
    """Names, sizes and times of the specs in ``folder``: one directory read."""
    try:
        with os.scandir(folder) as entries:
            return tuple(sorted(
                (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                for entry in entries if entry.name.endswith((".yaml", ".yml"))
            ))  # fmt: skip
    except OSError:
        return ()


_descriptions: dict[tuple, list[dict]] = {}


def describe_spec(path: Path, workspace: Workspace) -> list[dict]:
    """Id, title and the rest, from the spec itself (so never-built briefs are listed);
    read again only when the spec, the dataset or the templates change."""
    dataset = cached_dataset(workspace.dataset)
    dirs = template_dirs(path)
    data = dataset_stamp(workspace.dataset)
    key = (file_stamp(path), data, tuple(map(str, dirs)), tuple(audiences(dirs)))
    if key not in _descriptions:
        if len(_descriptions) > 1000:
            _descriptions.clear()
        _descriptions[key] = read_description(path, dataset, dirs)
    return _descriptions[key]


def read_description(path: Path, dataset, dirs: list[Path]) -> list[dict]:
    from briefgen.load_spec import load_spec  # pydantic: only when a spec is read

    loaded = load_spec(path, dataset, audiences(dirs))
    spec = loaded.spec
    editions = {"full": ["full"], "releasable": ["releasable"], "both": ["full", "releasable"]}
    return [
        {
            "id": spec.id if edition == "full" else f"{spec.id}-releasable",
            "title": spec.title,
            "audience": spec.audience,
            "marking": spec.marking,
            "date": spec.date.isoformat(),
            "reference": spec.reference,
            "edition": edition,
            "draft": bool(spec.draft),
        }
        for edition in editions[spec.edition]
    ]


def fallback_description(path: Path, brief_id: str, entry: dict) -> dict:
    return {
        "id": brief_id,
        "title": str(entry.get("title") or path.name),
        "audience": str(entry.get("audience") or ""),
        "marking": str(entry.get("marking") or ""),
        "date": str(entry.get("date") or ""),
        "reference": str(entry.get("reference") or ""),
        "edition": str(entry.get("edition") or "full"),
        "draft": bool(entry.get("draft")),
    }


_datasets: dict[tuple, object] = {}


def cached_dataset(path: Path | None):
    """The dataset, read again only when its file changes."""
    from briefgen.load_dataset import load_dataset

    key = dataset_stamp(path)
    if key not in _datasets:
        _datasets.clear()
        _datasets[key] = load_dataset(path)
    return _datasets[key]


def shown(problem, root: Path) -> str:
    """A problem as the page shows it: files named from the workspace, so the page does
    not tell the server's folder layout."""
    if problem.file is not None:
        try:
            problem = replace(problem, file=Path(problem.file).resolve().relative_to(root))
        except ValueError:  # outside the workspace (a built-in template): its name only
            problem = replace(problem, file=Path(problem.file).name)
    return hide_folders(str(problem), root)


ABSOLUTE = re.compile(r"(?<![\w.:/~-])/(?:[^/\s'\"<>:]+/)+([^/\s'\"<>:]*)")


def hide_folders(text: str, root: Path) -> str:
    """``text`` with the server's folders taken out: paths in the workspace named from
    it, any other absolute path by its last part."""
    for folder in {str(root), str(Path(root).resolve())}:
        text = text.replace(folder.rstrip("/") + "/", "")
    return ABSOLUTE.sub(lambda match: match.group(1) or "/", text)


def file_info(entry: dict) -> FileInfo:
    return FileInfo(
        format=str(entry.get("format")),
        name=str(entry.get("name")),
        bytes=int(entry.get("bytes") or 0),
        sha256=str(entry.get("sha256") or ""),
        pages=entry.get("pages") if isinstance(entry.get("pages"), int) else None,
        built=entry.get("built") if isinstance(entry.get("built"), str) else None,
    )


def read_failures(workspace: Workspace) -> dict:
    try:
        failures = json.loads((workspace.portal_dir / FAILURES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return failures if isinstance(failures, dict) else {}
