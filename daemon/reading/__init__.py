"""Reading events: visible text, the notes syntax, hear-back dates, which events are interviews.

Pure functions of an event and the user's profile; nothing here knows the state
store or the planner.
"""
