"""Timers: reminders and escalations derived from every open deadline."""
