"""review-service: the statutory clock for children's reviews."""

__version__ = "0.1.0"
