"""Canned responses: the variable parser and the renderer against a simple oracle, and saving."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.canned import (
    CANNED_VARIABLES,
    MAX_BODY_CHARS,
    MAX_TITLE_CHARS,
    CannedResponse,
    Variable,
    parse_body,
    render_body,
    validate_body,
    validate_key,
    variables_in,
)
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.errors import ValidationError
from lia_core.testing.canned import body_parts, literal_texts, variable_names, written

T0 = datetime(2026, 12, 6, 12, tzinfo=UTC)

literals = literal_texts()
names = variable_names()
spacing = st.sampled_from(["", " ", "  "])
parts = body_parts()


def _oracle(segments: list[str | Variable], values: dict[str, str]) -> str:
    return "".join(values.get(s.name, "") if isinstance(s, Variable) else s for s in segments)


@given(parts, spacing)
def test_the_parser_finds_every_variable_in_order(segments: list[str | Variable], pad: str) -> None:
    """A body written from literals and variables parses back to its variables, in first-use order."""
    expected = tuple(dict.fromkeys(s.name for s in segments if isinstance(s, Variable)))
    assert variables_in(written(segments, pad)) == expected


@given(parts, spacing)
def test_parsing_keeps_the_literal_text(segments: list[str | Variable], pad: str) -> None:
    """The literal text between variables comes back whole, in order (adjacent literals joined)."""
    parsed = parse_body(written(segments, pad))
    literal = "".join(s for s in parsed if isinstance(s, str))
    assert literal == "".join(s for s in segments if isinstance(s, str))
    assert all(s for s in parsed if isinstance(s, str))  # never an empty literal


@given(parts, st.dictionaries(names, literals, max_size=6), spacing)
def test_rendering_matches_the_oracle(
    segments: list[str | Variable], values: dict[str, str], pad: str
) -> None:
    """Each variable becomes its value (missing: empty), and the empty ones are listed once."""
    rendered = render_body(written(segments, pad), values)
    assert rendered.text == _oracle(segments, values)
    used = list(dict.fromkeys(s.name for s in segments if isinstance(s, Variable)))
    assert rendered.empty == tuple(n for n in used if not values.get(n, "").strip())
    assert rendered.params == tuple(values.get(n, "") for n in used)


@given(st.text(alphabet="ab{} .", max_size=20))
def test_the_parser_never_leaves_an_open_variable(body: str) -> None:
    """Any text either parses with no '{{' left in its literals, or is refused naming the body."""
    if "{{" not in body:
        assert "".join(s for s in parse_body(body) if isinstance(s, str)) == body
        return
    try:
        parsed = parse_body(body)
    except ValidationError as exc:
        refused = exc
    else:
        assert all("{{" not in s for s in parsed if isinstance(s, str))
        return
    assert refused.field == "body"


@pytest.mark.parametrize(
    "body",
    ["Olá {{contact.nome}}", "{{ contact.first_name }} e {{ protocolo }}", "oi {{agent}}"],
)
def test_an_unknown_variable_is_refused_when_saved(body: str) -> None:
    """Saving a body with a variable outside the list names the field and the known variables."""
    with pytest.raises(ValidationError, match="unknown variable") as raised:
        CannedResponse.create(key="oi", title="Oi", body=body, by="ana", at=T0)
    assert raised.value.field == "body"
    assert "{{contact.name}}" in raised.value.message


@pytest.mark.parametrize("body", ["Olá {{contact.name", "{{ 1x }}", "{{a b}}", "}} {{"])
def test_a_malformed_variable_is_refused(body: str) -> None:
    """An unclosed or malformed '{{' is refused rather than sent as braces."""
    with pytest.raises(ValidationError) as raised:
        validate_body(body)
    assert raised.value.field == "body"


def test_a_literal_single_brace_is_kept() -> None:
    """Single braces are text: '{{{contact.name}}}' is the name inside one pair of braces."""
    assert render_body("{{{contact.name}}}", {"contact.name": "Ana"}).text == "{Ana}"


def test_every_documented_variable_may_be_saved() -> None:
    """A body using all five variables is saved as typed."""
    body = " ".join("{{" + n + "}}" for n in CANNED_VARIABLES)
    response = CannedResponse.create(key="all", title="All", body=body, by="ana", at=T0)
    assert response.body == body
    assert response.version == 1


@pytest.mark.parametrize(
    ("raw", "field"),
    [("", "key"), ("Has Space", "key"), ("x" * 64, "key")],
)
def test_a_bad_key_is_refused(raw: str, field: str) -> None:
    """Keys are short lowercase slugs (used in URLs and commands)."""
    with pytest.raises(ValidationError) as raised:
        validate_key(raw)
    assert raised.value.field == field


def test_a_change_bumps_the_version_and_checks_fields() -> None:
    """An update checks like a create, keeps the key and creation time, and is one version up."""
    response = CannedResponse.create(key="oi", title="Oi", body="Oi!", by="ana", at=T0)
    later = datetime(2026, 12, 7, tzinfo=UTC)
    changed = response.changed(
        title="Olá",
        body="Olá {{contact.first_name}}",
        whatsapp_template="boas_vindas",
        whatsapp_language="pt_BR",
        by="bia",
        at=later,
    )
    assert (changed.key, changed.version, changed.created_at) == ("oi", 2, T0)
    assert (changed.updated_by, changed.updated_at) == ("bia", later)
    with pytest.raises(ValidationError) as raised:
        response.changed(
            title="x",
            body="x",
            whatsapp_template="Not A Name",
            whatsapp_language="pt_BR",
            by="bia",
            at=later,
        )
    assert raised.value.field == "whatsapp_template"


def _with_parts() -> CannedResponse:
    return CannedResponse.create(
        key="fatura",
        title="Fatura",
        body="Olá {{contact.first_name}}",
        whatsapp_template="fatura_pronta",
        whatsapp_header=TemplateHeader.of("text", "{{contact.first_name}} {{ticket.id}}"),
        whatsapp_buttons=(
            TemplateButton.of("quick_reply", 1, "{{ticket.id}}"),
            TemplateButton.of("url", 0, "c/{{conversation.id}}"),
        ),
        by="ana",
        at=T0,
    )


@given(st.dictionaries(names, literals, max_size=6))
def test_the_template_parts_render_as_their_values_would(values: dict[str, str]) -> None:
    """The body, the header and each button (in index order) are rendered as `render_body`
    renders their saved value; the parts' empty variables are listed once, header first."""
    response = _with_parts()
    filled = response.render(values)
    assert filled.body == render_body(response.body, values)
    assert filled.header is not None
    assert filled.header.header == response.whatsapp_header
    assert filled.header.rendered == render_body(filled.header.header.value, values)
    assert [b.button for b in filled.buttons] == list(response.whatsapp_buttons)
    assert [b.rendered for b in filled.buttons] == [
        render_body(b.value, values) for b in response.whatsapp_buttons
    ]
    parts = [filled.header.rendered, *(b.rendered for b in filled.buttons)]
    assert filled.parts_empty == tuple(dict.fromkeys(n for r in parts for n in r.empty))


def test_a_part_that_renders_to_nothing_is_named() -> None:
    """The first blank part is named as messages name it; parts with text are not blank."""
    filled = _with_parts().render({"conversation.id": "c1", "contact.first_name": "Ana"})
    assert filled.blank_part is not None
    assert filled.blank_part[0] == "button 1"
    assert filled.blank_part[1].empty == ("ticket.id",)
    assert [name for name, _ in filled.parts()] == ["header", "button 0", "button 1"]
    assert filled.parts_empty == ("ticket.id",)
    full = _with_parts().render(
        {"conversation.id": "c1", "contact.first_name": "Ana", "ticket.id": "t1"}
    )
    assert (full.blank_part, full.parts_empty) == (None, ())
    plain = CannedResponse.create(key="oi", title="Oi", body="Oi", by="ana", at=T0).render({})
    assert (plain.header, plain.buttons, plain.parts(), plain.blank_part) == (None, (), (), None)


@pytest.mark.parametrize(
    ("raw", "kept", "message"),
    [
        ("  Segunda   via ", "Segunda via", None),
        ("x" * MAX_TITLE_CHARS, "x" * MAX_TITLE_CHARS, None),
        (" \n ", None, "must not be blank"),
        ("x" * (MAX_TITLE_CHARS + 1), None, f"must have at most {MAX_TITLE_CHARS} characters"),
    ],
)
def test_a_title_is_one_line_of_at_most_the_limit(
    raw: str, kept: str | None, message: str | None
) -> None:
    """Runs of spaces fold to one; blank or over MAX_TITLE_CHARS is refused naming `title`."""
    if kept is not None:
        response = CannedResponse.create(key="oi", title=raw, body="Oi", by="ana", at=T0)
        assert response.title == kept
        return
    with pytest.raises(ValidationError) as refused:
        CannedResponse.create(key="oi", title=raw, body="Oi", by="ana", at=T0)
    assert (refused.value.field, str(refused.value)) == ("title", message)


def test_a_change_replaces_every_part_with_the_new_one() -> None:
    """Each field of a change is checked and stored: title folded, template, language, header
    and buttons (in index order) as given."""
    later = datetime(2026, 12, 7, tzinfo=UTC)
    header = TemplateHeader.of("text", "{{ticket.id}}")
    buttons = (
        TemplateButton.of("url", 1, "t/{{ticket.id}}"),
        TemplateButton.of("quick_reply", 0, "sim"),
    )
    changed = _with_parts().changed(
        title="  Fatura   nova ",
        body="Oi",
        whatsapp_template=" fatura_nova ",
        whatsapp_language=" en ",
        whatsapp_header=header,
        whatsapp_buttons=buttons,
        by="bia",
        at=later,
    )
    assert (changed.title, changed.body) == ("Fatura nova", "Oi")
    assert (changed.whatsapp_template, changed.whatsapp_language) == ("fatura_nova", "en")
    assert changed.whatsapp_header == header
    assert changed.whatsapp_buttons == (buttons[1], buttons[0])
    plain = _with_parts().changed(
        title="Fatura",
        body="Oi",
        whatsapp_template=None,
        whatsapp_language="pt_BR",
        by="bia",
        at=later,
    )
    assert (plain.whatsapp_template, plain.whatsapp_header, plain.whatsapp_buttons) == (
        None,
        None,
        (),
    )


@pytest.mark.parametrize(
    ("header", "buttons", "field"),
    [
        (TemplateHeader.of("text", "oi"), (), "whatsapp_header"),
        (None, (TemplateButton.of("quick_reply", 0, "sim"),), "whatsapp_buttons"),
    ],
)
def test_a_change_with_parts_but_no_template_is_refused(
    header: TemplateHeader | None, buttons: tuple[TemplateButton, ...], field: str
) -> None:
    """A header or a button parameter without a template to carry it names the part."""
    with pytest.raises(ValidationError) as refused:
        _with_parts().changed(
            title="Fatura",
            body="Oi",
            whatsapp_template=" ",
            whatsapp_language="pt_BR",
            whatsapp_header=header,
            whatsapp_buttons=buttons,
            by="bia",
            at=T0,
        )
    assert (refused.value.field, str(refused.value)) == (
        field,
        "a header or button parameter needs whatsapp_template",
    )


_KNOWN = ", ".join("{{" + n + "}}" for n in CANNED_VARIABLES)
_NO_VARIABLE = "a '{{' opens no variable (unclosed, or braces inside): write {{contact.name}}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (" \n ", "must not be blank"),
        ("x" * (MAX_BODY_CHARS + 1), f"must have at most {MAX_BODY_CHARS} characters"),
        ("{{a}} {{ticket.id}} {{b}}", f"unknown variable {{{{a}}}}, {{{{b}}}}; use {_KNOWN}"),
    ],
)
def test_a_bad_body_is_refused_with_the_rule_naming_the_callers_field(
    body: str, message: str
) -> None:
    """Blank, too long or unknown variables: the rule, on the field given."""
    with pytest.raises(ValidationError) as refused:
        validate_body(body, field="whatsapp_header")
    assert (refused.value.field, str(refused.value)) == ("whatsapp_header", message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("oi {{ 1x }}", "malformed variable '{{ 1x }}': write {{contact.name}}"),
        ("oi {{ {{contact.name}}", _NO_VARIABLE),
        ("{{contact.name}} {{", _NO_VARIABLE),
    ],
)
def test_a_malformed_body_is_refused_with_the_rule_naming_the_callers_field(
    body: str, message: str
) -> None:
    """A malformed variable or a '{{' opening none, before or after a variable: the rule,
    quoting the whole malformed variable, on the field given (validate_body too)."""
    for check in (parse_body, validate_body):
        with pytest.raises(ValidationError) as refused:
            check(body, field="whatsapp_header")
        assert (refused.value.field, str(refused.value)) == ("whatsapp_header", message)


def test_a_body_of_exactly_the_limit_is_kept() -> None:
    """MAX_BODY_CHARS characters are a body."""
    assert validate_body("x" * MAX_BODY_CHARS) == "x" * MAX_BODY_CHARS


def test_a_bad_key_is_refused_with_the_rule() -> None:
    """The key's refusal says what a key is made of."""
    with pytest.raises(ValidationError) as refused:
        validate_key("Não", field="slug")
    assert (refused.value.field, str(refused.value)) == (
        "slug",
        "must be 1 to 63 characters: lowercase letters, digits, '_' and '-'",
    )


def test_create_stores_the_language_and_who_saved_it_when() -> None:
    """A new response keeps the trimmed language, and its author and time as the last update."""
    response = CannedResponse.create(
        key="oi", title="Oi", body="Oi", whatsapp_language=" en_US ", by="ana", at=T0
    )
    assert (response.whatsapp_language, response.updated_at, response.updated_by) == (
        "en_US",
        T0,
        "ana",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"whatsapp_template": "Fatura"},
            "whatsapp_template",
            "an approved WhatsApp template name: lowercase letters, digits and '_'",
        ),
        (
            {"whatsapp_language": "pt-br"},
            "whatsapp_language",
            "a WhatsApp language code such as pt_BR or en",
        ),
        (
            {"whatsapp_header": TemplateHeader.of("text", "oi")},
            "whatsapp_header",
            "a header or button parameter needs whatsapp_template",
        ),
        (
            {
                "whatsapp_header": TemplateHeader.of("text", "oi"),
                "whatsapp_buttons": (TemplateButton.of("quick_reply", 0, "sim"),),
            },
            "whatsapp_header",
            "a header or button parameter needs whatsapp_template",
        ),
        (
            {
                "whatsapp_template": "fatura",
                "whatsapp_buttons": (TemplateButton.of("quick_reply", 0, "{{x}}"),),
            },
            "whatsapp_buttons",
            f"unknown variable {{{{x}}}}; use {_KNOWN}",
        ),
    ],
)
def test_a_bad_template_part_is_refused_when_created(
    changes: dict[str, object], field: str, message: str
) -> None:
    """Template name, language, parts without a template (the header named first) and a
    button's variables are checked on create, each refusal naming its field."""
    with pytest.raises(ValidationError) as refused:
        CannedResponse.create(key="oi", title="Oi", body="Oi", by="ana", at=T0, **changes)  # type: ignore[arg-type]
    assert (refused.value.field, str(refused.value)) == (field, message)
