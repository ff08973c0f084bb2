"""`python -m citeaudit`."""

from citeaudit.commands.app import main

main()
