"""Who may see which brief: read at or below your clearance (Bell-LaPadula's simple
rule), releasable editions only for a releasable-only account.

A brief is decided on every marking known for it (:attr:`BriefInfo.levels`). A
marking the workspace's scheme does not know, a clearance it does not know, or a
scheme that does not load all fail closed: the brief is hidden.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.accounts import Viewer
from briefgen.errors import BriefgenError
from briefgen.portal.catalogue import BriefInfo


def scheme_of(root: Path):
    """The workspace's marking scheme, or None if it does not load (then nothing shows)."""
    from briefgen.markings import load_scheme

    try:
        return load_scheme(root)
    except (BriefgenError, OSError):
        return None


def may_see(viewer: Viewer, brief: BriefInfo, scheme) -> bool:
    if scheme is None or not brief.levels:
        return False
    if viewer.releasable_only and brief.edition != "releasable":
        return False
    clearance = scheme.resolve(viewer.clearance)
    if clearance is None:
        return False
    for marking in brief.levels:
        level = scheme.resolve(marking) if marking else None
        if level is None or scheme.above(level, clearance):
            return False
    return True


def visible(viewer: Viewer, briefs: list[BriefInfo], scheme) -> list[BriefInfo]:
    return [brief for brief in briefs if may_see(viewer, brief, scheme)]
