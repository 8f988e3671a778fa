"""The processes a board runs, as data and state machines. Imports nothing of casework's."""
