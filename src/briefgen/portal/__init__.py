"""The download portal (``briefgen serve``): a page listing the workspace's briefs,
with downloads, previews, build buttons and a JSON API. See :mod:`briefgen.portal.app`."""

from briefgen.portal.app import create_app

__all__ = ["create_app"]
