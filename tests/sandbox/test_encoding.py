"""e-conomic's id encoding (REFERENCE §2): documented example, every token, round trips."""

from hypothesis import given
from hypothesis import strategies as st

from economic_sandbox.encoding import SPECIAL, decode_id, encode_id


def test_it_encodes_the_documented_example():
    assert encode_id("My Awesome Product_Discount5%") == "My_9_Awesome_9_Product_8_Discount5_3_"


def test_it_decodes_the_documented_example():
    assert decode_id("My_9_Awesome_9_Product_8_Discount5_3_") == "My Awesome Product_Discount5%"


def test_it_encodes_every_special_character_to_its_token():
    assert encode_id("<>*%:&/\\_ ?.#+") == "_0__1__2__3__4__5__6__7__8__9__10__11__12__13_"


def test_it_decodes_two_digit_tokens_before_one_digit_ones():
    assert decode_id("_10__1_0_8_") == "?>0_"


def test_it_url_encodes_other_characters_and_decodes_them_back():
    assert encode_id("Kaffe-Æble") == "Kaffe-%C3%86ble"
    assert decode_id("Kaffe-%C3%86ble") == "Kaffe-Æble"


def test_it_decodes_a_segment_the_server_already_url_decoded():
    assert decode_id("Kaffe-Æble_9_1") == "Kaffe-Æble 1"


def test_an_encoded_id_never_contains_a_path_separator_or_query_character():
    encoded = encode_id("a/b?c#d")
    assert not set("/?#") & set(encoded)


@given(st.text())
def test_any_text_round_trips(value):
    assert decode_id(encode_id(value)) == value


@given(st.text(alphabet=st.sampled_from([*SPECIAL, "0", "1", "3", "a"]), max_size=40))
def test_strings_dense_in_tokens_and_digits_round_trip(value):
    assert decode_id(encode_id(value)) == value
