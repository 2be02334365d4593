"""Section content (spec §4.9): SEC1-*, SEC5-*, SEC6-* rules."""
