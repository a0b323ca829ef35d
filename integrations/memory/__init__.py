"""In-memory adapters: fakes that behave like real backends, for tests and dry runs.

Import from the submodules (``integrations.memory.calendar``,
``integrations.memory.drafts``) so that each can exist without the other.
"""
