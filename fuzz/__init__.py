"""Fuzzing harness of zfxxgk's readers (see docs/fuzzing.md)."""
