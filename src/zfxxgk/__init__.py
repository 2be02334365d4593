"""zfxxgk."""
