"""The state store: an intent ledger in SQLite, split by job."""
