"""``python -m daemon`` runs the ``followup`` command."""

from daemon.cli import main

main()
