"""Data files shipped with zfxxgk (read with importlib.resources)."""
