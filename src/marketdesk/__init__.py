"""marketdesk: a self-hosted financial news desk."""

__version__ = "0.1.0"
