"""Prose against tables (spec §4.7, §4.10): TXT-* rules."""
