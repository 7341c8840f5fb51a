"""Directory login against a real OpenLDAP server (slapd on a free local port).

The directory is shaped like an office's Active Directory (sAMAccountName, userAccountControl,
groups with member DNs); the settings come from config/ldap.py with the AD defaults, only the
group object class differs (OpenLDAP's groupOfNames).
"""

from __future__ import annotations

import pytest

from tests import ldap_server

pytest.importorskip("django_auth_ldap", reason=f"chybí volitelný doplněk ldap: {ldap_server.APT_LINE}")
if not ldap_server.available():
    pytest.skip(f"chybí slapd: {ldap_server.APT_LINE}", allow_module_level=True)

import ldap  # noqa: E402

GROUPS = "ou=skupiny,dc=kraj,dc=test"
JANA_DN = "cn=Jana Dvořáková,ou=zamestnanci,dc=kraj,dc=test"


@pytest.fixture(scope="module")
def slapd():
    server = ldap_server.SlapdServer().start()
    yield server
    server.stop()


def directory_env(uri: str) -> dict:
    return {
        "OSV_LDAP_SERVER_URI": uri,
        "OSV_LDAP_BIND_DN": ldap_server.SERVICE_DN,
        "OSV_LDAP_BIND_PASSWORD": ldap_server.SERVICE_PASSWORD,
        "OSV_LDAP_USER_BASE": "ou=zamestnanci,dc=kraj,dc=test",
        "OSV_LDAP_GROUP_BASE": GROUPS,
        "OSV_LDAP_GROUP_FILTER": "(objectClass=groupOfNames)",
        "OSV_LDAP_TIMEOUT": "2",
        "OSV_LDAP_ROLE_GROUPS": (
            f"registration_officer=cn=OSV-Registrace,{GROUPS};"
            f"department_head=CN=OSV-Vedeni,{GROUPS};"
            f"planner=cn=OSV-Planovani,{GROUPS}"
        ),
    }


def use_directory(settings, uri: str) -> None:
    from config import ldap as ldap_config

    for key, value in ldap_config.directory_settings(directory_env(uri)).items():
        setattr(settings, key, value)
    settings.AUTHENTICATION_BACKENDS = ["workflows.directory.DirectoryBackend", "workflows.auth_throttle.ThrottledModelBackend"]


@pytest.fixture
def directory(settings, slapd, roles):
    use_directory(settings, slapd.uri)
    return slapd


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def roles_of(username):
    from django.contrib.auth import get_user_model

    return set(get_user_model().objects.get(username=username).groups.values_list("name", flat=True))


def test_defaults_are_active_directory():
    from config import ldap as ldap_config

    conf = ldap_config.directory_settings({"OSV_LDAP_SERVER_URI": "ldaps://ad.kraj.test", "OSV_LDAP_USER_BASE": "DC=kraj"})
    assert conf["AUTH_LDAP_USER_SEARCH"].filterstr == "(sAMAccountName=%(user)s)"
    assert conf["OSV_LDAP_DISABLED_FILTER"] == "(userAccountControl:1.2.840.113556.1.4.803:=2)"
    assert type(conf["AUTH_LDAP_GROUP_TYPE"]).__name__ == "ActiveDirectoryGroupType"
    assert ldap_config.parse_role_groups("admin=CN=A,DC=x|CN=B,DC=x; reader=CN=C,DC=x") == {
        "admin": ["CN=A,DC=x", "CN=B,DC=x"], "reader": ["CN=C,DC=x"]}


def test_login_copies_names_and_maps_groups_to_roles(client, directory):
    response = login(client, "jdvorakova", "Heslo-Jany-2026")
    assert response.status_code == 302, response.content.decode()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="jdvorakova")
    assert (user.first_name, user.last_name, user.email) == ("Jana", "Dvořáková", "jana.dvorakova@kraj.test")
    assert not user.has_usable_password()
    assert roles_of("jdvorakova") == {"registration_officer", "planner"}
    # the role's permissions come with the group (workflows.roles.ensure_groups)
    assert user.has_perm("registrations.can_check_registrationprocess")
    assert client.get("/ukoly/").status_code == 200


def test_removal_from_group_takes_the_role_away_at_next_login(client, directory):
    assert login(client, "jdvorakova", "Heslo-Jany-2026").status_code == 302
    assert "registration_officer" in roles_of("jdvorakova")
    admin = directory.admin()
    admin.modify_s(f"cn=OSV-Registrace,{GROUPS}", [(ldap.MOD_DELETE, "member", [JANA_DN.encode()])])
    try:
        client.logout()
        assert login(client, "jdvorakova", "Heslo-Jany-2026").status_code == 302
        assert roles_of("jdvorakova") == {"planner"}
    finally:
        admin.modify_s(f"cn=OSV-Registrace,{GROUPS}", [(ldap.MOD_ADD, "member", [JANA_DN.encode()])])


def test_wrong_password_is_refused(client, directory):
    response = login(client, "jdvorakova", "spatne-heslo")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="jdvorakova").exists()


def test_disabled_account_cannot_log_in(client, directory):
    response = login(client, "mbyvala", "Heslo-Marie-2026")
    assert response.status_code == 200
    assert "Váš účet je v adresáři zakázán" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_account_without_a_mapped_group_gets_a_clear_message(client, directory):
    response = login(client, "kbezrole", "Heslo-Karla-2026")
    assert "není v žádné skupině" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unreachable_directory_says_so_and_local_login_still_works(client, settings, roles):
    from django.contrib.auth import get_user_model

    use_directory(settings, f"ldap://127.0.0.1:{ldap_server.free_port()}")  # nobody listens there
    response = login(client, "jdvorakova", "Heslo-Jany-2026")
    assert response.status_code == 200
    assert "Adresářový server (Active Directory / LDAP) je nedostupný" in response.content.decode()

    get_user_model().objects.create_user("nouzovy-spravce", password="Mistni-Heslo-2026")
    assert login(client, "nouzovy-spravce", "Mistni-Heslo-2026").status_code == 302


def test_local_login_works_beside_the_directory(client, directory):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("mistni", password="Mistni-Heslo-2026")
    assert login(client, "mistni", "Mistni-Heslo-2026").status_code == 302
