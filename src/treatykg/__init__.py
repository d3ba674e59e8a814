"""treatykg: treaty texts in, validated linked open data out."""
from __future__ import annotations

__version__ = "0.1.0"
