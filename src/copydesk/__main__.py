"""`python -m copydesk` runs the command line."""

from __future__ import annotations

from copydesk.cli import main

if __name__ == "__main__":
    main()
