"""`python -m citeaudit`."""

from citeaudit.app import main

main()
