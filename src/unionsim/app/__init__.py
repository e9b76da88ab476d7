"""``unionsim app``: a local web app to tweak parameters, run batches, compare and export.

The package is split by concept: `unionsim.app.session` holds the state of one user's session
and runs batches in the background through the engine (no web code); `unionsim.app.export`
turns the tweaks into YAML files the CLI accepts; `unionsim.app.views` draws the page with
Solara; `unionsim.app.server` starts the Solara server. Only the last two need the ``app``
extra (``pip install "unionsim[app]"``).
"""
