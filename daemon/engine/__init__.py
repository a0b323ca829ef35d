"""The cycle: read the calendar, plan, apply the plan through the ports."""
