"""``unionsim app``: a local web app to tweak parameters, run batches, compare and export.

The package is split by concept, with no web code below the page: `unionsim.app.session` holds
the state of one user's session; `unionsim.app.batches` runs its batches in the background
through the engine; `unionsim.app.controls` describes the parameter controls (ranges, slider
grid, provenance); `unionsim.app.folders` says where the app may read and write;
`unionsim.app.background` redraws the page and draws figures off its thread; `unionsim.app.export`
turns the tweaks into YAML files the CLI accepts; `unionsim.app.game_session` plays one seat's
decisions from the page (on `unionsim play`'s engine, `unionsim.experiment.game`);
`unionsim.app.widgets` holds the page's Solara primitives, `unionsim.app.views` draws the page
and `unionsim.app.play_views` its "Play a side" part; `unionsim.app.server` starts the Solara
server. Only these four need the ``app`` extra (``pip install "unionsim[app]"``).
"""
