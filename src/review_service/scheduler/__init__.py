"""APScheduler wiring: the jobs that act on the service's clock."""
