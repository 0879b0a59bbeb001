"""SQLAlchemy 2 typed models: every table of the service on one metadata."""

from review_service.models.base import Base
from review_service.models.calendar import NonWorkingDay
from review_service.models.tokens import ApiToken

__all__ = ["ApiToken", "Base", "NonWorkingDay"]
