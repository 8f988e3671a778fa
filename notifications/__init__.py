"""Everything that leaves the building: rendering, the outbox, mail transports, the scheduler.

Not built yet (issues 4 and 5). Nothing in casework depends on it.
"""
