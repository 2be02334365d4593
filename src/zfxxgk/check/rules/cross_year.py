"""Cross-year rules (spec §4.3, §4.6, §4.10): T2-ROLLFORWARD-*, XY-*."""
