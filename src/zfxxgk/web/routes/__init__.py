"""The web app's routers: one module per page group, plus the JSON API."""
