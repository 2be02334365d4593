"""Dates, period and header facts (spec §4.8): DATE-* and HDR-* rules."""
