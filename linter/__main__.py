"""``python -m docklint``."""

from .cli import main

main()
