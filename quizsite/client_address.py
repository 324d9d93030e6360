"""The address a request came from, behind the site's own trusted proxies.

Behind a TLS proxy or load balancer every request's REMOTE_ADDR is the proxy's,
so anything keyed on the address (django-axes' lockouts) would treat every
visitor as one. Each proxy appends the address it received the request from to
X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies in front of the app the
client is the entry that many places from the right. Entries further left were
written by the client and can say anything, so they are never read.

We do not use django-ipware here: its strict mode returns no address at all
for a request that came through fewer hops than configured, and its proxy
count does not mean the number of proxies in front of the app; this rule is
short enough to read whole.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < trusted:
        # Not through every proxy (a request straight to an app server).
        return remote
    candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
