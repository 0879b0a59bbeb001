"""The IRO unit board: server-rendered pages for people (issue 12)."""
