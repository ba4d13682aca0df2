"""Rate limits and a simple challenge for the public forms (no account), issue 11.

Counters live in Django's default cache, which production shares between every web worker
(Redis through CACHE_URL; the deploy check ``kunqu_jiafu.E101`` refuses a per-process cache).
Each public form names a scope with its window and limits in ``settings.PUBLIC_FORM_LIMITS``:
attempts are counted per client address and per ID number, the latter by its keyed blind index
so no cache key holds an ID number. Windows are fixed and aligned on the clock, so the page can
say when the wait ends.

The client address is REMOTE_ADDR unless ``settings.TRUSTED_PROXY_COUNT`` says how many proxies
of our own stand in front of the application: then it is the address the outermost of them saw,
read from the right of X-Forwarded-For, so an address a client writes into the header itself is
never taken.

After ``challenge_after`` attempts from one address in a window the form asks a small sum in
Chinese, made on the server; its answer waits in the cache under a random token and is used up
by the first answer given, right or wrong."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu.people.crypto import blind_index
from kunqu_jiafu.people.idcard import normalize

TOKEN = re.compile(r"^[0-9a-f]{32}$")
CHALLENGE_SECONDS = 30 * 60
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@dataclass(frozen=True)
class Rule:
    window: int  # seconds
    per_address: int
    per_id: int
    challenge_after: int  # attempts from one address in a window before the sum is asked


def rule(scope: str) -> Rule:
    return Rule(**settings.PUBLIC_FORM_LIMITS[scope])


def client_address(request) -> str:
    """The client's address as the deployment can vouch for it (see the module's note)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    address = remote
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
        # The last ``proxies`` entries are our proxies (REMOTE_ADDR is the nearest one); the
        # entry before them is what the outermost proxy saw. A shorter chain means the request
        # did not come through all of them: take the left-most, the furthest we can see.
        address = chain[-(proxies + 1)] if len(chain) > proxies else chain[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        try:
            return str(ipaddress.ip_address(remote))
        except ValueError:
            return "unknown"


@dataclass(frozen=True)
class Wait:
    """Over a limit: the window ends at ``until``."""

    seconds: int
    until: str  # local time, HH:MM

    @property
    def minutes(self) -> int:
        return max(1, -(-self.seconds // 60))


class PublicFormGuard:
    """The limits and the challenge of one public form for one request."""

    def __init__(self, request, scope: str):
        self.request = request
        self.scope = scope
        self.rule = rule(scope)
        self.address = client_address(request)
        now = time.time()
        self._slot = int(now // self.rule.window)
        self._ends = (self._slot + 1) * self.rule.window
        self._now = now
        self.challenge_error = ""

    # --- counters ----------------------------------------------------------------------------

    def _key(self, kind: str, value: str) -> str:
        return f"ratelimit:{self.scope}:{kind}:{value}:{self._slot}"

    def _counters(self, id_number: str | None) -> list[tuple[str, int]]:
        counters = [(self._key("address", self.address), self.rule.per_address)]
        if id_number:
            digest = blind_index("ratelimit:" + normalize(id_number))[:32]
            counters.append((self._key("id", digest), self.rule.per_id))
        return counters

    def wait(self, id_number: str | None = None) -> Wait | None:
        """A Wait when the address or the ID number has used up its attempts in this window."""
        if not any((cache.get(key) or 0) >= limit for key, limit in self._counters(id_number)):
            return None
        return self._wait()

    def take(self, id_number: str | None = None) -> Wait | None:
        """Count one more attempt against the address and the ID number, and say whether it is
        over the limit. The count and the check are one atomic increment in the cache, so
        requests sent in parallel cannot all pass a check made before any of them counted."""
        over = [_incr(key, self.rule.window) > limit for key, limit in self._counters(id_number)]
        return self._wait() if any(over) else None

    def refund(self, id_number: str | None = None) -> None:
        """Give back an attempt taken for something that turned out not to count (a look-up
        that found the application: only failed look-ups are limited)."""
        for key, _limit in self._counters(id_number):
            try:
                cache.decr(key)
            except ValueError:  # the window ended meanwhile
                pass

    def _wait(self) -> Wait:
        until = timezone.localtime(dt.datetime.fromtimestamp(self._ends, dt.UTC))
        return Wait(seconds=int(self._ends - self._now) + 1, until=until.strftime("%H:%M"))

    def attempts_from_address(self) -> int:
        return cache.get(self._key("address", self.address)) or 0

    # --- challenge ---------------------------------------------------------------------------

    def challenge_due(self) -> bool:
        return self.attempts_from_address() >= self.rule.challenge_after

    def challenge_passed(self) -> bool:
        """Whether the POST answers the sum it was given; the sum is used up either way. Not
        due yet: passed. A wrong, missing or replayed answer sets ``challenge_error`` and counts
        against the address."""
        if not self.challenge_due():
            return True
        token = (self.request.POST.get("challenge_token") or "").strip()
        given = (self.request.POST.get("challenge_answer") or "").strip()
        expected = None
        if TOKEN.match(token):
            key = f"challenge:{self.scope}:{token}"
            expected = cache.get(key)
            # Used up by the first answer. A backend's delete tells whether it removed the key,
            # so two requests racing with one token get one success between them.
            if expected is not None and not cache.delete(key):
                expected = None
        # ASCII digits only, and few: "²" is a digit to str.isdigit() but not to int(), and
        # int() refuses strings of over 4,300 digits.
        if expected is not None and re.fullmatch(r"[0-9]{1,6}", given) and int(given) == expected:
            return True
        # A wrong answer is an attempt too: a program guessing cannot go on for free.
        _incr(self._key("address", self.address), self.rule.window)
        self.challenge_error = _(
            "The answer to the check question is not right. Please answer the new question."
        )
        return False

    def challenge(self) -> dict | None:
        """A new sum for the page when one is due: its question and token."""
        if not self.challenge_due():
            return None
        a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
        token = secrets.token_hex(16)
        cache.set(f"challenge:{self.scope}:{token}", a + b, CHALLENGE_SECONDS)
        return {
            "question": _("What is %(a)s plus %(b)s? Write the answer in digits.")
            % {"a": a, "b": b},
            "token": token,
            "error": self.challenge_error,
        }


def too_many(request, template: str, context: dict, wait: Wait) -> HttpResponse:
    """The form's own page with its message, as 429 with Retry-After."""
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait.seconds)
    return response


def increment(key: str, window: int) -> int:
    """Add one to the counter ``key`` that lives ``window`` seconds (a minute more, so a fixed
    window's last second still finds it) and return its new value: atomic in Redis."""
    return _incr(key, window)


def _incr(key: str, window: int) -> int:
    """Add one to a counter of the window and return its new value (atomic in Redis)."""
    if cache.add(key, 1, window + 60):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window + 60)
        return 1


def check_shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Deploy check: the limits hold across web workers only in a shared cache."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Error(
                "The default cache is per process; the public forms' rate limits would not "
                "hold across web workers.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/2.",
                id="kunqu_jiafu.E101",
            )
        ]
    return []
