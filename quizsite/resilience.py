"""What the site does when a service behind it is away.

- The database (a PostgreSQL restart or failover): every request that needs it
  gets a 503 page that says to try again, with Retry-After, instead of a 500.
  Writes are single transactions, so nothing is left half-written.
- Redis (the cache): reads become misses and writes are dropped, so pages are
  served from the database, a little slower. Sessions are cached_db, so nobody
  is signed out. After a failure the cache is skipped for a few seconds rather
  than tried (and timed out on) by every call.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# The errors of a database that is down or restarting, as Django wraps them.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    # The page must not need the database: no user, no messages (the session
    # and the user would be read from it).
    from django.contrib.auth.models import AnonymousUser

    template = loader.get_template("503.html")
    context = {"user": AnonymousUser(), "messages": [], "outage": True}
    response = HttpResponse(template.render(context, request), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a view's database-unavailable error into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning(
                "database unavailable for %s %s: %s", request.method, request.path, exception
            )
            return database_unavailable_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the same 503 page when the error came from the database
    being away in a middleware (loading or saving the session, say), which
    process_exception does not see; Django's 500 page otherwise."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    return django_server_error(request)


REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


class DegradingRedisCache(RedisCache):
    """Django's RedisCache that answers a miss instead of raising when Redis
    cannot be reached, and skips Redis for `SKIP_SECONDS` after a failure."""

    SKIP_SECONDS = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._skip_until = 0.0
        self._lock = threading.Lock()

    def _down(self) -> bool:
        return time.monotonic() < self._skip_until

    def _failed(self, error: Exception) -> None:
        with self._lock:
            first = not self._down()
            self._skip_until = time.monotonic() + self.SKIP_SECONDS
        if first:
            logger.warning("cache unavailable, serving without it for now: %s", error)

    def _try(self, method: str, miss, *args, **kwargs):
        if self._down():
            return miss
        try:
            return getattr(super(), method)(*args, **kwargs)
        except REDIS_DOWN as error:
            self._failed(error)
            return miss

    def get(self, key, default=None, version=None) -> Any:
        return self._try("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        return self._try("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._try("add", False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._try("touch", False, key, timeout, version)

    def delete(self, key, version=None) -> bool:
        return self._try("delete", False, key, version)

    def get_many(self, keys, version=None) -> dict[str, Any]:
        return self._try("get_many", {}, keys, version)

    def has_key(self, key, version=None) -> bool:
        return self._try("has_key", False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        return self._try("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None) -> None:
        return self._try("delete_many", None, keys, version)

    def clear(self) -> bool:  # type: ignore[override]  # RedisCache returns the client's answer
        return self._try("clear", False)

    def incr(self, key, delta=1, version=None) -> int:
        if self._down():
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        try:
            return super().incr(key, delta, version)
        except REDIS_DOWN as error:
            self._failed(error)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from error
