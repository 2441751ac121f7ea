"""Getting documents in: where each comes from (files, URLs, standard input) and reading it.

Every outbound request goes through :mod:`marketdesk.net`.
"""
