"""Reviews: the statutory series, its milestones, attendees and actions."""
