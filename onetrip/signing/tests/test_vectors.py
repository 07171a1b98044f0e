"""Published test vectors: GM/T 0003.5-2012 appendix A (SM2 signature on sm2p256v1, message
"message digest", default user ID 1234567812345678) and RFC 8032 section 7.1 test 1 (Ed25519)."""

import pytest
from gmssl import sm2

from onetrip.signing import crypto

SM2_D = bytes.fromhex(
    "3945208F7B2144B13F36E38AC6D39F9588939369 2860B51A42FB81EF4DF7C5B8".replace(" ", "")
)
SM2_PUBLIC = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
SM2_MESSAGE = b"message digest"
SM2_DIGEST = "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640"
SM2_K = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21"
SM2_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"  # r
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"  # s
)

ED_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
ED_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
ED_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
    "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def flipped(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def test_sm2_published_signature_verifies():
    assert crypto.verify(crypto.SM2, SM2_PUBLIC, SM2_MESSAGE, SM2_SIGNATURE)


def test_sm2_public_key_and_digest_match_the_standard():
    assert crypto.sm2_public_from_private(SM2_D) == SM2_PUBLIC
    crypt = crypto._sm2(SM2_D, SM2_PUBLIC)
    assert crypt._sm3_z(SM2_MESSAGE).upper() == SM2_DIGEST  # SM3(Z_A || M), Z_A with the ID


def test_sm2_with_the_standards_k_gives_the_standards_signature():
    crypt = crypto._sm2(SM2_D, SM2_PUBLIC)
    assert bytes.fromhex(crypt.sign_with_sm3(SM2_MESSAGE, SM2_K)) == SM2_SIGNATURE


@pytest.mark.parametrize("index", [0, 13, 31, 32, 63])
def test_sm2_a_flipped_signature_byte_fails(index):
    assert not crypto.verify(crypto.SM2, SM2_PUBLIC, SM2_MESSAGE, flipped(SM2_SIGNATURE, index))


@pytest.mark.parametrize("index", [0, 7, 13])
def test_sm2_a_flipped_message_byte_fails(index):
    assert not crypto.verify(crypto.SM2, SM2_PUBLIC, flipped(SM2_MESSAGE, index), SM2_SIGNATURE)


def test_sm2_out_of_range_r_s_and_bad_keys_fail():
    n = bytes.fromhex(sm2.default_ecc_table["n"])
    r, s = SM2_SIGNATURE[:32], SM2_SIGNATURE[32:]
    assert not crypto.verify(crypto.SM2, SM2_PUBLIC, SM2_MESSAGE, bytes(32) + s)
    assert not crypto.verify(crypto.SM2, SM2_PUBLIC, SM2_MESSAGE, r + n)
    assert not crypto.verify(crypto.SM2, SM2_PUBLIC, SM2_MESSAGE, SM2_SIGNATURE[:-1])
    assert not crypto.verify(crypto.SM2, flipped(SM2_PUBLIC, 64), SM2_MESSAGE, SM2_SIGNATURE)


def test_sm2_public_key_whose_x_starts_with_04():
    """gmssl's constructor lstrip("04")s the key; ours must not lose such an X coordinate."""
    private = (11).to_bytes(32, "big")
    public = crypto.sm2_public_from_private(private)
    assert public[1:3].hex() == "04b3"
    signature = crypto.sign(crypto.SM2, private, public, b"payload")
    assert crypto.verify(crypto.SM2, public, b"payload", signature)


def test_ed25519_rfc8032_test_1():
    private = crypto.Ed25519PrivateKey.from_private_bytes(ED_SECRET)
    assert private.public_key().public_bytes_raw() == ED_PUBLIC
    assert crypto.sign(crypto.ED25519, ED_SECRET, ED_PUBLIC, b"") == ED_SIGNATURE
    assert crypto.verify(crypto.ED25519, ED_PUBLIC, b"", ED_SIGNATURE)
    assert not crypto.verify(crypto.ED25519, ED_PUBLIC, b"\x00", ED_SIGNATURE)
    assert not crypto.verify(crypto.ED25519, ED_PUBLIC, b"", flipped(ED_SIGNATURE, 40))
