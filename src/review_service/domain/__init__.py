"""The pure core: rules with no framework, database or I/O imports.

Everything in this package takes time and the calendar as arguments; nothing reads the clock.
"""
