"""The desk's views, one module per resource; each answers HTML and its JSON twin."""
