"""The application layer: every use case of the desk, for the web and the command line alike.

The web (``web/``) and the command line (``cli/``) call only this package. Each use case is a
function of a :class:`~marketdesk.app.desk.Desk` (settings, registry, store, spaCy pipeline,
clock, HTTP clients): ``front.front_page``, ``stories.story`` and ``stories.search``,
``instruments.instrument_view``, ``strip.strip``, ``market_clock.market_status``,
``quotes.refresh`` / ``import_csv`` / ``load_bundled``, ``ingest.ingest`` and
``ingest.extract_sources``, ``analyze.analyze_sources`` and ``analyze.entities_lines``,
``demo.build_demo``. Their results are frozen dataclasses;
``shapes`` turns each into its one JSON shape, ``urls`` builds every link, ``present`` formats
numbers for people.
"""
