"""IRO considerations: the chair decides whether an event brings the review forward."""
