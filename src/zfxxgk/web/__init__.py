"""The review office's web app (FastAPI, server-rendered Jinja2 pages, JSON API under ``/api/``).

>>> from zfxxgk.store import Store
>>> from zfxxgk.web import create_app
>>> app = create_app(Store("zfxxgk.db"))          # doctest: +SKIP
"""

from .app import ROUTERS, create_app
from .templating import NavItem
from .uploads import UploadLimits

__all__ = ["ROUTERS", "NavItem", "UploadLimits", "create_app"]
