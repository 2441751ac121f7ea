"""``python -m marketdesk`` runs the command line."""

import sys

from marketdesk.cli import main

sys.exit(main())
