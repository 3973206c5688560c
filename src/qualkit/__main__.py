"""``python -m qualkit`` runs the command line."""

from qualkit.cli import main

raise SystemExit(main())
