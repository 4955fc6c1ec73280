from integration.economic.encoding import encode_id


def test_it_encodes_the_documented_example():
    assert encode_id("My Awesome Product_Discount5%") == "My_9_Awesome_9_Product_8_Discount5_3_"


def test_it_encodes_every_special_character():
    assert encode_id("<>*%:&/\\_ ?.#+") == "_0__1__2__3__4__5__6__7__8__9__10__11__12__13_"


def test_it_url_encodes_other_characters():
    assert encode_id("Kaffe-Æble") == "Kaffe-%C3%86ble"
