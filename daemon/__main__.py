"""``python -m daemon`` runs the ``followup`` command."""

from daemon.app.cli import main

main()
