"""The coordinator's command line: the only code that parses arguments or prints.

Modules here import click and nothing heavy at their top: the database stack is imported
inside each command, so `casework --help` answers at once.
"""
