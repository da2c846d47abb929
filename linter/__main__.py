"""``python -m docklint``."""

from ._entry import main

main()
