"""The pipeline, top to bottom: load dataset → load specs → compose → render → write.

Everything is validated and rendered before the first byte is written, so a
problem in any brief leaves ``build/`` exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.compose import compose_brief
from briefgen.errors import BriefgenError, Problem
from briefgen.load_dataset import Dataset, load_dataset
from briefgen.load_spec import LoadedSpec, load_specs
from briefgen.workspace import audiences, expand_spec_paths, template_dirs


def load_all(spec_paths: list[Path], dataset_path: Path | None = None) -> list[LoadedSpec]:
    dataset = load_dataset(dataset_path)
    return load_specs(*_specs_and_dataset(spec_paths, dataset))


def _specs_and_dataset(spec_paths: list[Path], dataset: Dataset):
    paths = expand_spec_paths(list(spec_paths))
    if not paths:
        raise BriefgenError(Problem("no spec files given (briefs/*.yaml)"))
    return paths, dataset, lambda path: audiences(template_dirs(path))


@dataclass(frozen=True)
class RenderedBrief:
    loaded: LoadedSpec
    outputs: dict[str, bytes]  # format → bytes
    pages: dict[str, int | None]  # format → page count where known


def build_briefs(
    spec_paths: list[Path],
    *,
    formats: list[str] | None,
    out_dir: Path,
    dataset_path: Path | None = None,
    time_limit_seconds: float | None = None,
) -> list[str]:
    """Build every spec; return one line per file written."""
    from briefgen.render import check_formats, render_brief
    from briefgen.timelimit import DEFAULT_SECONDS
    from briefgen.write import write_briefs

    check_formats(formats or [])
    dataset = load_dataset(dataset_path)
    loaded = load_specs(*_specs_and_dataset(spec_paths, dataset))
    rendered = []
    for item in loaded:
        brief = compose_brief(item.spec, dataset)
        wanted = formats or list(item.spec.formats)
        outputs, pages = render_brief(
            brief, wanted, template_dirs(item.path), time_limit_seconds or DEFAULT_SECONDS
        )
        rendered.append(RenderedBrief(item, outputs, pages))
    return write_briefs(rendered, Path(out_dir))
