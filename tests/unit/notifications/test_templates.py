"""Rendering: placeholders, escaping, missing variables, SMS segments in GSM-7 and UCS-2."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.core.errors import Invalid
from functions.notifications import templates
from functions.notifications.models.templates import Template, TemplateIn
from functions.notifications.templates import MAX_SMS_SEGMENTS, render, sms_encoding, sms_segments


def _template(**parts) -> Template:
    return Template(key="t", language="en", **{"subject": "Hi {{ name }}", "text": "Dear {{name}}", **parts})


def test_placeholders_are_filled_with_or_without_spaces():
    rendered = render(_template(), {"name": "Ada"})
    assert rendered.subject == "Hi Ada" and rendered.text == "Dear Ada"


def test_values_are_escaped_in_html_but_not_in_text():
    rendered = render(_template(html="<p>{{ name }}</p>"), {"name": "<script>x</script> & co"})
    assert rendered.html == "<p>&lt;script&gt;x&lt;/script&gt; &amp; co</p>"
    assert rendered.text == "Dear <script>x</script> & co"


def test_without_an_html_part_the_text_becomes_escaped_paragraphs():
    rendered = render(_template(text="A <b>\nline\n\nnext"), {"name": "x"})
    assert rendered.html == "<p>A &lt;b&gt;<br>line</p><p>next</p>"


def test_a_missing_variable_is_a_422_naming_it_and_not_the_data():
    with pytest.raises(Invalid) as raised:
        render(_template(sms="{{ when }}"), {"name": "secret value"})
    assert raised.value.status == 422 and raised.value.code == "missing_variable"
    assert raised.value.details == {"missing": ["when"]}
    assert "secret" not in str(raised.value.body())


def test_a_line_break_in_a_value_cannot_start_a_second_subject_line():
    assert render(_template(), {"name": "Ada\r\nBcc: x@example.org"}).subject == "Hi Ada Bcc: x@example.org"


def test_values_of_other_types_render_plainly():
    rendered = render(_template(text="{{ n }} {{ ok }} {{ none }}"), {"name": "a", "n": 3, "ok": True, "none": None})
    assert rendered.text == "3 yes "


@pytest.mark.parametrize(("text", "encoding", "segments"), [
    ("", "GSM-7", 0),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("€" * 80, "GSM-7", 1),  # extension characters count two septets
    ("€" * 81, "GSM-7", 2),
    ("a" * 152 + "€", "GSM-7", 1),  # 154 septets: still one segment
    ("a" * 152 + "€" + "a" * 8, "GSM-7", 2),  # the € would straddle septet 153: it moves to the second segment
    ("ł" * 70, "UCS-2", 1),
    ("ł" * 71, "UCS-2", 2),
    ("ł" * 134, "UCS-2", 2),
    ("ł" * 135, "UCS-2", 3),
    ("😀" * 35, "UCS-2", 1),  # outside the BMP: two code units each
    ("😀" * 36, "UCS-2", 2),
])
def test_sms_segments(text, encoding, segments):
    assert sms_encoding(text) == encoding
    assert sms_segments(text) == segments


@given(st.text(alphabet="abcXYZ019 ", min_size=1, max_size=2000))
def test_gsm_segments_hold_at_most_153_septets_each(text):
    segments = sms_segments(text)
    assert segments == 1 if len(text) <= 160 else -(-len(text) // 153) == segments


def test_an_sms_over_the_cap_is_refused_once_filled_in():
    template = _template(sms="{{ long }}")
    render(template, {"name": "x", "long": "a" * 153 * MAX_SMS_SEGMENTS})
    with pytest.raises(Invalid) as raised:
        render(template, {"name": "x", "long": "a" * (153 * MAX_SMS_SEGMENTS + 1)})
    assert raised.value.code == "sms_too_long"


def test_without_an_sms_part_the_text_is_the_sms():
    assert render(_template(), {"name": "Ada"}).sms == "Dear Ada"


def test_saving_refuses_a_broken_placeholder_and_an_sms_too_long_before_variables():
    with pytest.raises(Invalid) as broken:
        templates.check(TemplateIn(subject="Hi {{ name", text="x"))
    assert broken.value.code == "invalid_template"
    with pytest.raises(Invalid) as long:
        templates.check(TemplateIn(subject="s", text="x", sms="ł" * 300 + "{{ x }}"))  # 5 UCS-2 segments
    assert long.value.code == "sms_too_long"
    templates.check(TemplateIn(subject="Hi {{ name }}", text="{{ a }} and {{b}}"))


def test_every_builtin_template_renders_with_its_own_variables():
    for template in templates.builtin_templates().values():
        names = set().union(*(templates.variables(p) for p in (template.subject, template.text, template.sms)))
        assert render(template, dict.fromkeys(names, "x")).subject


def test_language_fallback_goes_from_region_to_language_to_default():
    assert templates.languages_to_try("es-MX") == ["es-MX", "es", "en"]
    assert templates.languages_to_try("en") == ["en"]
    assert templates.languages_to_try(None) == ["en"]
