from tawasul.common.text import clean_text, has_invisible_controls


def test_bidi_and_zero_width_controls_are_removed():
    spoofed = "\u202eAhmed\u202c Ali\u200b"
    assert has_invisible_controls(spoofed)
    assert clean_text(spoofed) == "Ahmed Ali"


def test_arabic_is_nfc_and_spaces_collapse():
    assert clean_text("  أحمد\u00a0\u00a0 علي ") == "أحمد علي"


def test_multiline_keeps_newlines_but_drops_controls():
    assert clean_text("line one\r\n\x07line two", multiline=True) == "line one\nline two"
