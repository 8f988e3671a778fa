"""The overdue-listing benchmark's parts (benchmarks/overdue_listing.py is its entry point).

stories: the template cases' stories and what each leaves late; build: the database built,
copied and checked; timing: the commands timed and their outputs counted; report: what it
prints.
"""
