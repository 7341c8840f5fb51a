"""Directory login (Active Directory / LDAP) settings, read from the environment.

Off unless ``OSV_LDAP_SERVER_URI`` is set, so the embedded set-up needs neither python-ldap
nor django-auth-ldap (the optional extra ``ldap``). ``directory_settings()`` returns the
``AUTH_LDAP_*`` settings django-auth-ldap reads plus the office's own:

- ``OSV_LDAP_ROLE_GROUPS``: our role (a Django group of ``workflows.roles``) → directory group DNs,
  from ``OSV_LDAP_ROLE_GROUPS="registration_officer=CN=OSV-Registrace,OU=Skupiny,DC=kr,DC=cz;…"``
  (several DNs for one role separated by ``|``);
- ``OSV_LDAP_DISABLED_FILTER``: an LDAP filter that matches a disabled account (Active
  Directory's ``userAccountControl`` ACCOUNTDISABLE bit by default; empty = no check).

See docs/office-integration.md.
"""

from __future__ import annotations

import os

AD_DISABLED_FILTER = "(userAccountControl:1.2.840.113556.1.4.803:=2)"
GROUP_TYPES = ("active_directory", "nested_active_directory", "group_of_names", "group_of_unique_names", "posix")


def _env(environ, name, default=""):
    value = environ.get(name)
    return default if value in (None, "") else value


def parse_role_groups(text: str) -> dict[str, list[str]]:
    """``role=DN|DN;role=DN`` → {role: [DN, …]} (a DN contains commas, hence ``;`` and ``|``)."""
    mapping: dict[str, list[str]] = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        role, sep, dns = part.partition("=")
        if not sep or not dns.strip():
            raise ValueError(f"OSV_LDAP_ROLE_GROUPS: chybí skupina u role {role.strip()!r}")
        mapping.setdefault(role.strip(), []).extend(dn.strip() for dn in dns.split("|") if dn.strip())
    return mapping


def enabled(environ=None) -> bool:
    return bool(_env(os.environ if environ is None else environ, "OSV_LDAP_SERVER_URI"))


def directory_settings(environ=None) -> dict:
    """The settings for directory login from ``environ`` (default: the process environment)."""
    environ = os.environ if environ is None else environ
    try:
        import ldap
        from django_auth_ldap import config as c
    except ImportError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "OSV_LDAP_SERVER_URI je nastaveno, ale chybí volitelný doplněk ldap: "
            "apt-get install -y libldap2-dev libsasl2-dev gcc && pip install -r requirements-ldap.lock") from exc

    group_type = _env(environ, "OSV_LDAP_GROUP_TYPE", "active_directory")
    if group_type not in GROUP_TYPES:
        raise ValueError(f"OSV_LDAP_GROUP_TYPE musí být jedno z {', '.join(GROUP_TYPES)}")
    group_class = {
        "active_directory": (c.ActiveDirectoryGroupType, "(objectClass=group)"),
        "nested_active_directory": (c.NestedActiveDirectoryGroupType, "(objectClass=group)"),
        "group_of_names": (c.GroupOfNamesType, "(objectClass=groupOfNames)"),
        "group_of_unique_names": (c.GroupOfUniqueNamesType, "(objectClass=groupOfUniqueNames)"),
        "posix": (c.PosixGroupType, "(objectClass=posixGroup)"),
    }[group_type]
    user_base = _env(environ, "OSV_LDAP_USER_BASE")
    group_base = _env(environ, "OSV_LDAP_GROUP_BASE", user_base)
    timeout = int(_env(environ, "OSV_LDAP_TIMEOUT", "5"))
    result = {
        "AUTH_LDAP_SERVER_URI": _env(environ, "OSV_LDAP_SERVER_URI"),
        "AUTH_LDAP_BIND_DN": _env(environ, "OSV_LDAP_BIND_DN"),
        "AUTH_LDAP_BIND_PASSWORD": _env(environ, "OSV_LDAP_BIND_PASSWORD"),
        "AUTH_LDAP_START_TLS": _env(environ, "OSV_LDAP_START_TLS", "false").lower() in {"1", "true", "yes", "on"},
        "AUTH_LDAP_USER_SEARCH": c.LDAPSearch(
            user_base, ldap.SCOPE_SUBTREE, _env(environ, "OSV_LDAP_USER_FILTER", "(sAMAccountName=%(user)s)")),
        "AUTH_LDAP_GROUP_SEARCH": c.LDAPSearch(
            group_base, ldap.SCOPE_SUBTREE, _env(environ, "OSV_LDAP_GROUP_FILTER", group_class[1])),
        "AUTH_LDAP_GROUP_TYPE": group_class[0](),
        # names and e-mail are copied from the directory at every login
        "AUTH_LDAP_USER_ATTR_MAP": {
            "first_name": _env(environ, "OSV_LDAP_ATTR_FIRST_NAME", "givenName"),
            "last_name": _env(environ, "OSV_LDAP_ATTR_LAST_NAME", "sn"),
            "email": _env(environ, "OSV_LDAP_ATTR_EMAIL", "mail"),
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_REFERRALS: 0,  # Active Directory: do not chase referrals to other domains
            ldap.OPT_NETWORK_TIMEOUT: timeout,
            ldap.OPT_TIMEOUT: timeout,
        },
        "OSV_LDAP_ROLE_GROUPS": parse_role_groups(_env(environ, "OSV_LDAP_ROLE_GROUPS")),
        "OSV_LDAP_DISABLED_FILTER": environ.get("OSV_LDAP_DISABLED_FILTER", AD_DISABLED_FILTER).strip(),
        "OSV_LDAP_REQUIRE_ROLE": _env(environ, "OSV_LDAP_REQUIRE_ROLE", "true").lower() in {"1", "true", "yes", "on"},
    }
    if _env(environ, "OSV_LDAP_CA_FILE"):
        result["AUTH_LDAP_CONNECTION_OPTIONS"][ldap.OPT_X_TLS_CACERTFILE] = _env(environ, "OSV_LDAP_CA_FILE")
        result["AUTH_LDAP_CONNECTION_OPTIONS"][ldap.OPT_X_TLS_NEWCTX] = 0
    return result
