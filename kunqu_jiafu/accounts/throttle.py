"""Failed sign-in throttling (issue 11, 等保2.0 level 3: 登录失败处理).

Every way in with a password -- the portal login, the admin login and the API's token endpoint
-- goes through ``django.contrib.auth.authenticate`` and so through ``ThrottledModelBackend``:
one budget for all three. Counters live in the shared cache (kunqu_jiafu/ratelimit.py) and are
keyed by a keyed digest of the username as typed, whether or not such an account exists, so the
answer never tells an account that exists from one that does not.

Per account: ``account_failures`` failed attempts within ``account_window`` seconds start a
cooldown of ``cooldown`` seconds, during which every attempt is refused unchecked (even with
the right password). Each further cooldown within ``cooldown_reset`` seconds doubles, up to
``cooldown_max``: a guesser gets a handful of tries every few minutes, and the account's owner
waits minutes, never hours. Per client address: ``address_failures`` failed attempts in a fixed
window of ``address_window`` seconds, then every attempt from that address is refused until the
window ends (one address trying many accounts).

Each attempt is counted before the password is checked (one atomic increment), so parallel
requests cannot all pass a check made before any of them counted; a refused attempt gives its
count back, and a successful sign-in clears the account's failures. A refusal is a form error
saying how long to wait; the answer is 429 with Retry-After (``SignInRefusedStatus``), and the
first refusal of each cooldown or address window is written to the audit log
(``accounts.sign_in.throttled``)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kunqu_jiafu.audit.services import audit_log
from kunqu_jiafu.ratelimit import client_address, increment


def _now() -> float:
    return time.time()


@dataclass(frozen=True)
class Refusal:
    """An attempt refused: which budget, and until when (a Unix time)."""

    scope: str  # "account" or "address"
    until: float

    def seconds(self, now: float) -> int:
        return max(1, int(self.until - now + 0.999))

    def message(self, now: float) -> str:
        minutes = max(1, -(-self.seconds(now) // 60))
        local = timezone.localtime(dt.datetime.fromtimestamp(self.until, dt.UTC))
        # One text for both budgets and for accounts that do not exist.
        return _(
            "Too many failed sign-in attempts. Sign-in is paused for your security: try again "
            "in %(minutes)s minutes (after %(time)s). If you have forgotten your password, "
            "reset it or ask the bureau's security administrator."
        ) % {"minutes": minutes, "time": local.strftime("%H:%M")}


class SignInThrottle:
    """The two budgets of one sign-in attempt: the account named and the client address."""

    def __init__(self, request, username: str):
        self.conf = settings.SIGN_IN_THROTTLE
        self.request = getattr(request, "_request", request)  # a DRF request wraps Django's
        self.username = username
        # Keyed (SECRET_KEY), so the cache holds no username nor a digest one could look up.
        digest = salted_hmac("sign-in throttle", username.strip().casefold()).hexdigest()[:32]
        self.account = f"signin:account:{digest}"
        self.address = client_address(self.request) if self.request is not None else None
        self.now = _now()
        window = self.conf["address_window"]
        self._slot = int(self.now // window)
        self._address_key = f"signin:address:{self.address}:{self._slot}"
        self._failures = 0

    # --- before the password is checked --------------------------------------------------------

    def take(self) -> Refusal | None:
        """Count this attempt against both budgets; a Refusal (and nothing counted) when either
        is used up or the account is cooling down."""
        until = cache.get(self.account + ":until")
        if until is not None and until > self.now:
            return Refusal("account", until)
        self._failures = increment(self.account + ":failures", self.conf["account_window"])
        address_count = 0
        if self.address is not None:
            address_count = increment(self._address_key, self.conf["address_window"])
        refusal = None
        if self.address is not None and address_count > self.conf["address_failures"]:
            window = self.conf["address_window"]
            refusal = Refusal("address", (self._slot + 1) * window)
        elif self._failures > self.conf["account_failures"]:
            # Sent alongside the attempt that is starting the cooldown: refused the same way.
            refusal = Refusal("account", self.now + self._cooldown(self._level() + 1))
        if refusal is not None:
            self.give_back()
        return refusal

    # --- after -------------------------------------------------------------------------------

    def succeeded(self) -> None:
        """The right password: the account's failures and earlier cooldowns are forgotten (only
        its holder gets here); the address gets its attempt back."""
        cache.delete_many([self.account + ":failures", self.account + ":level"])
        if self.address is not None:
            try:
                cache.decr(self._address_key)
            except ValueError:
                pass

    def failed(self) -> None:
        if self._failures < self.conf["account_failures"]:
            return
        # This failure used up the account's budget: a cooldown, longer each time.
        level = increment(self.account + ":level", self.conf["cooldown_reset"])
        seconds = self._cooldown(level)
        cache.set(self.account + ":until", self.now + seconds, seconds)
        cache.delete(self.account + ":failures")

    def give_back(self) -> None:
        for key in [self.account + ":failures"] + ([self._address_key] if self.address else []):
            try:
                cache.decr(key)
            except ValueError:  # gone meanwhile (a cooldown started, or the window ended)
                pass

    def _level(self) -> int:
        return cache.get(self.account + ":level") or 0

    def _cooldown(self, level: int) -> int:
        return min(self.conf["cooldown"] * 2 ** max(0, level - 1), self.conf["cooldown_max"])

    def refuse(self, refusal: Refusal) -> ValidationError:
        """Note the refusal on the request (for the 429), audit its first of each cooldown or
        window, and return the form error to raise."""
        if self.request is not None:
            self.request.sign_in_refused_for = refusal.seconds(self.now)
        first = cache.add(
            f"signin:audited:{refusal.scope}:"
            f"{self.account if refusal.scope == 'account' else self.address}:{int(refusal.until)}",
            1,
            refusal.seconds(self.now) + 60,
        )
        if first:
            audit_log(
                None,
                None,
                "accounts.sign_in.throttled",
                after={
                    "username": self.username[:150],
                    "client_address": self.address or "",
                    "budget": refusal.scope,
                    "seconds": refusal.seconds(self.now),
                },
            )
        return ValidationError(refusal.message(self.now), code="throttled")


class ThrottledModelBackend(ModelBackend):
    """Django's model backend behind the sign-in throttle (see the module's note). It raises
    ``ValidationError`` for a refused attempt: ``authenticate`` passes it on, and both the
    authentication forms and DRF's token serializer show it as the form's error."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            from django.contrib.auth import get_user_model

            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        throttle = SignInThrottle(request, str(username))
        refusal = throttle.take()
        if refusal is not None:
            raise throttle.refuse(refusal)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.failed()
        else:
            throttle.succeeded()
            if throttle.request is not None:
                # For ForcePasswordChange: the API's token endpoint signs in without a session.
                throttle.request.password_checked_user = user
        return user
