"""The admin, one module per part: content (sources, lessons, questions), gift
(GIFT import and export), learning (learners' data and accounts), derive
(deriving drafts from a text). Importing them registers their ModelAdmins."""

from lessons.admin import content, derive, gift, learning  # noqa: F401  (registration)
from lessons.admin.base import SUMMARY_ROWS
from lessons.admin.gift import GIFT_MAX_BYTES

__all__ = ["GIFT_MAX_BYTES", "SUMMARY_ROWS"]
