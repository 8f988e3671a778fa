"""The formats a listing can be written in, one module each: importing this package
registers every renderer with `cli.formats`. A new format is one more module here (and its
name below); each imports its heavy modules only when called, so `--help` stays fast."""

from cli.renderers import to_csv, to_html, to_ics, to_json, to_svg, to_table  # noqa: F401
