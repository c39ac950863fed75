"""The portal as an app object for an ASGI server with several workers:

    BRIEFGEN_WORKSPACE=/srv/briefs uvicorn briefgen.portal.asgi:app --workers 4

``BRIEFGEN_WORKSPACE`` is the workspace (default: the current folder);
``BRIEFGEN_OUT`` the output folder (default: its ``build/``).
"""

import os

from briefgen.portal.app import create_app

app = create_app(os.environ.get("BRIEFGEN_WORKSPACE", "."), os.environ.get("BRIEFGEN_OUT"))
