from hypothesis import given
from hypothesis import strategies as st

from onetrip.datasets.masking import mask, mask_record


def test_the_glossary_examples():
    assert mask("330424199001011234", "id_number") == "330424********1234"
    assert mask("张三", "name") == "张*"
    assert mask("欧阳娜娜", "name") == "欧***"
    assert mask("13812345678", "phone") == "138****5678"
    assert mask("1990-01-01", "date_year") == "1990"
    assert mask("海盐县武原街道枣园东路99号", "address") == "海盐县武原街****"
    assert mask("anything", "full") == "****"
    assert mask("kept", "none") == "kept"


def test_fields_without_a_rule_are_hidden_and_clear_grants_are_kept():
    record = {"id_number": "330424199001011234", "name": "张三", "secret": "x"}
    masked = mask_record(record, {"id_number": "id_number", "name": "name"}, clear={"name"})
    assert masked == {"id_number": "330424********1234", "name": "张三", "secret": "****"}


@given(st.text(alphabet=st.characters(blacklist_characters="*"), min_size=11, max_size=40))
def test_a_masked_id_or_phone_keeps_only_its_ends(value):
    masked_id = mask(value, "id_number")
    assert masked_id == value[:6] + "*" * (len(value) - 10) + value[-4:]
    masked_phone = mask(value, "phone")
    assert masked_phone == value[:3] + "****" + value[-4:]
    assert value not in (masked_id, masked_phone)
