"""Composition: templates into notes and own-event texts, and the MIME of a draft."""
