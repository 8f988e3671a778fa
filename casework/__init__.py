"""casework: the workflow engine behind a Safeguarding Children Board's case reviews.

Kept empty of imports on purpose: the CLI imports this package on every call, and
`casework --help` must answer without loading the database stack.
"""

__version__ = "0.1.0"
