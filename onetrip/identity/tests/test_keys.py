"""The ID-token signing key: created once with owner-only permissions, or required as given."""

import stat

import pytest

from onetrip.identity.keys import rsa_private_key_pem


def test_one_box_mode_creates_the_key_once_readable_by_the_owner_only(tmp_path):
    path = tmp_path / "keys" / "oidc.key"
    pem = rsa_private_key_pem(str(path), True)
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    rsa_private_key_pem.cache_clear()
    assert rsa_private_key_pem(str(path), True) == pem  # the same key after a restart


def test_production_uses_the_given_key_and_refuses_to_invent_one(tmp_path):
    given = tmp_path / "given.key"
    given.write_text(rsa_private_key_pem(str(tmp_path / "made.key"), True))
    assert rsa_private_key_pem(str(given), False) == given.read_text()
    with pytest.raises(FileNotFoundError, match="openssl genrsa"):
        rsa_private_key_pem(str(tmp_path / "missing.key"), False)
    assert not (tmp_path / "missing.key").exists()
