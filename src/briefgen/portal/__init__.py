"""The download portal (``briefgen serve``): a page listing the workspace's briefs,
with downloads, previews, build buttons and a JSON API. See :mod:`briefgen.portal.app`.

``create_app`` is imported when first asked for, so that a build worker, which reads
the catalogue's helpers (:mod:`briefgen.jobs.run`), does not load the web app."""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from briefgen.portal.app import create_app

        return create_app
    raise AttributeError(name)
