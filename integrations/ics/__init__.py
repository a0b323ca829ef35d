"""The .ics adapter: a calendar file or subscription URL, and a local file for the calls."""

from integrations.ics.calendar import IcsCalendar

__all__ = ["IcsCalendar"]
