"""`python -m shadow_tui` runs the `shadow-tui` command."""

from shadow_tui.cli import main

if __name__ == "__main__":
    main()
