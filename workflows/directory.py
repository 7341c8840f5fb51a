"""Directory login (django-auth-ldap): roles from directory groups, disabled accounts, outages.

Used only when ``OSV_LDAP_SERVER_URI`` is set (config/ldap.py); the embedded set-up never
imports this module, so python-ldap stays an optional extra.

- The directory is the source of the roles of its users: at every login the user's Django
  role groups (``workflows.roles``) are set to exactly those mapped from their directory
  groups (``OSV_LDAP_ROLE_GROUPS``), so removal from a group takes the role away at the next
  login. Names and e-mail are copied by django-auth-ldap (``AUTH_LDAP_USER_ATTR_MAP``).
- A disabled account (``OSV_LDAP_DISABLED_FILTER`` matches the user's entry) cannot log in,
  not even with a local password.
- When the directory cannot be reached, local accounts (embedded default, emergencies) still
  log in; everyone else gets a clear Czech message instead of "wrong password".
- The same throttle as local logins (``workflows.auth_throttle``) guards directory logins.
"""

from __future__ import annotations

import contextvars
import logging

import ldap
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django_auth_ldap.backend import LDAPBackend, ldap_error

from . import auth_throttle
from .permissions import ROLE_ADMIN, ROLES

logger = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "Adresářový server (Active Directory / LDAP) je nedostupný, přihlášení účtem z adresáře teď "
    "nelze ověřit. Zkuste to prosím za chvíli; v naléhavém případě se přihlaste místním účtem "
    "nebo se obraťte na správce."
)
DISABLED_MESSAGE = "Váš účet je v adresáři zakázán. Obraťte se prosím na správce."
NO_ROLE_MESSAGE = (
    "Váš účet v adresáři není v žádné skupině, které odpovídá role této agendy. "
    "Požádejte správce o zařazení do skupiny."
)
_OUTAGE_ERRORS = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)
_errors: contextvars.ContextVar[list | None] = contextvars.ContextVar("osv_directory_errors", default=None)


def _remember_error(sender, context=None, exception=None, **kwargs):
    seen = _errors.get()
    if seen is not None:
        seen.append(exception)


ldap_error.connect(_remember_error, dispatch_uid="osv-directory-errors")


def roles_from_groups(group_dns) -> set[str]:
    """Our roles for a set of directory group DNs (compared case-insensitively)."""
    member_of = {dn.lower() for dn in group_dns}
    mapping = getattr(settings, "OSV_LDAP_ROLE_GROUPS", {}) or {}
    return {role for role, dns in mapping.items() if role in ROLES and any(dn.lower() in member_of for dn in dns)}


def sync_roles(user, roles: set[str]) -> None:
    """Set the user's role groups to exactly ``roles`` (other groups are left alone)."""
    from .roles import ensure_groups

    if Group.objects.filter(name__in=roles).count() < len(roles):
        ensure_groups()
    current = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if current - roles:
        user.groups.remove(*Group.objects.filter(name__in=current - roles))
    if roles - current:
        user.groups.add(*Group.objects.filter(name__in=roles - current))
    if user.is_staff != (ROLE_ADMIN in roles):
        user.is_staff = ROLE_ADMIN in roles
        user.save(update_fields=["is_staff"])
    user._osv_roles = None  # workflows.permissions caches roles on the instance
    if current != roles:
        logger.info("Role uživatele %s z adresáře: %s → %s", user.username, sorted(current), sorted(roles))


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap with roles from groups, the disabled-account filter and the throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username:
            return None
        ip = auth_throttle.client_ip(request)
        if auth_throttle.is_locked(username, ip):
            raise ValidationError(auth_throttle.lock_message(), code="too_many_attempts")
        token = _errors.set([])
        try:
            user = super().authenticate(request, username=username, password=password, **kwargs)
            errors = _errors.get()
        finally:
            _errors.reset(token)
        if user is not None:
            auth_throttle.reset(username, ip)
            return user
        if any(isinstance(e, _OUTAGE_ERRORS) for e in errors):
            logger.warning("Adresářový server nedostupný: %s", errors[-1])
            local = auth_throttle.ThrottledModelBackend().authenticate(request, username=username, password=password)
            if local is not None:
                return local
            raise ValidationError(UNAVAILABLE_MESSAGE, code="directory_unavailable")
        return None  # wrong password or unknown user: the local backend next (it counts the failure)

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        if self._is_disabled(ldap_user):
            raise ValidationError(DISABLED_MESSAGE, code="account_disabled")
        roles = roles_from_groups(ldap_user.group_dns)
        sync_roles(user, roles)
        if not roles and getattr(settings, "OSV_LDAP_REQUIRE_ROLE", True):
            raise ValidationError(NO_ROLE_MESSAGE, code="no_role")
        return user

    def _is_disabled(self, ldap_user) -> bool:
        """Does the configured filter match the user's own entry?"""
        flt = getattr(settings, "OSV_LDAP_DISABLED_FILTER", "")
        if not flt:
            return False
        try:
            found = ldap_user.connection.search_s(ldap_user.dn, ldap.SCOPE_BASE, flt, ["1.1"])
        except ldap.LDAPError as exc:  # fail closed: an account whose state is unknown does not log in
            logger.warning("Filtr zakázaných účtů %r selhal pro %s: %s", flt, ldap_user.dn, exc)
            return True
        return bool(found)
