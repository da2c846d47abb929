"""docklint: a Dockerfile linter that knows the stage graph and the final image."""

from __future__ import annotations

__version__ = "0.1.0"
