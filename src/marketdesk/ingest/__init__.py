"""Getting documents in: where each comes from (files, folders, WARC/WET archives, URLs,
standard input) and reading it; feeds and sitemaps parsed into the URLs they list.

The parsers (feeds, sitemaps, detect) take bytes and do no I/O; folders and warc read files.
Every outbound request goes through :mod:`marketdesk.net`.
"""
