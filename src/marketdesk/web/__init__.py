"""The web desk: server-rendered pages, each with a JSON twin."""
