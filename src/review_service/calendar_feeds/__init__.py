"""A chair's calendar feed (issue 12; API.md "A chair's calendar feed")."""
