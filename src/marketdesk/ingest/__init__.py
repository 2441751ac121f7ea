"""Getting documents in: feeds, sources and scheduling, the pipeline.

Every outbound request goes through :mod:`marketdesk.net`.
"""
