"""``python -m truceline.cli``: the same as the ``truceline`` command."""

from truceline.cli import main

main()
