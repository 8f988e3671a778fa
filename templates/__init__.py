"""jinja2 templates for emails and board reports live here (issues 4 and 6)."""
