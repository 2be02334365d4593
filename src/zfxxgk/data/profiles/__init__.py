"""Scoring profiles shipped with zfxxgk (YAML; schema and loading in zfxxgk.app.profiles)."""
