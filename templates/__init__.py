"""The built-in jinja2 templates: emails under `email/` (a `.txt` body that sets the subject,
and an `.html` alternative), and the board's reports. A board overrides any of them by putting
a file of the same name in its own folder (`[email] templates` in its config file)."""
