"""Deadlines at the edge of the database: the registry of kinds, and the unit of work that
collects the deadlines a transaction touched and derives their timers before it commits."""
