"""The national-scale benchmark's parts (benchmarks/national_scale.py is its entry point).

stories: what happens to each template case; plan: on which days, and which templates are
copied; build: the templates and the due groups through the service; backends: SQLite and
PostgreSQL; stages: the sweeps timed and checked as the database grows; commands: the whole
processes; measured: one backend from start to end; report: what it prints at the end.
"""
