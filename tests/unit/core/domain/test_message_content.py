"""Message content as a job stores it: any content reads back unchanged from its stored form."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lia_core.domain.delivery import MessageContent
from lia_core.domain.template_parts import ButtonKind, TemplateButton, TemplateHeader
from lia_core.errors import ValidationError

_WORDS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=20)
_TEXTS = _WORDS.filter(str.strip)
_LANGUAGES = st.sampled_from(["pt_BR", "en_US", "es"])


@st.composite
def contents(draw: st.DrawFn) -> MessageContent:
    """Free text, a template (with parameters, a header, buttons) and/or push data."""
    template = draw(st.none() | _TEXTS)
    data = draw(st.dictionaries(_WORDS, _WORDS, max_size=3))
    needs_text = template is None and not data
    text = draw(_TEXTS if needs_text else st.none() | _TEXTS)
    header = draw(st.none() | st.builds(TemplateHeader.of, st.just("text"), _TEXTS))
    buttons = draw(
        st.lists(
            st.builds(
                TemplateButton,
                kind=st.sampled_from(ButtonKind),
                index=st.integers(0, 9),
                value=_TEXTS,
            ),
            max_size=3,
            unique_by=lambda b: b.index,
        )
    )
    return MessageContent(
        text=text,
        template=template,
        template_language=draw(_LANGUAGES),
        params=tuple(draw(st.lists(_WORDS, max_size=3))),
        data=data,
        header=header if template is not None else None,
        buttons=tuple(buttons) if template is not None else (),
    )


@given(contents())
@example(MessageContent(text="Olá, Ana"))
@example(MessageContent(template="aviso", template_language="en_US", data={"k": "v"}))
@example(MessageContent(text="oi", data={"chave": "valor", "outra": "coisa"}))
def test_content_reads_back_from_its_stored_form(content: MessageContent) -> None:
    """`from_dict(to_dict(content))` is the content: text, template, language, params, data, parts."""
    assert MessageContent.from_dict(content.to_dict()) == content


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"text": "oi"}, MessageContent(text="oi", template_language="pt_BR")),
        ({"text": "oi", "template_language": ""}, MessageContent(text="oi")),
        ({"text": "oi", "template_language": None}, MessageContent(text="oi")),
        (
            {"text": 7, "params": [1, 2], "data": {3: 4}},
            MessageContent(text="7", params=("1", "2"), data={"3": "4"}),
        ),
        (
            {"template": "aviso", "buttons": ["url", {"kind": "url", "index": 1, "value": "x"}]},
            MessageContent(template="aviso", buttons=(TemplateButton.of("url", 1, "x"),)),
        ),
    ],
)
def test_missing_or_loose_stored_fields_read_as_their_defaults(
    stored: dict[str, object], expected: MessageContent
) -> None:
    """A missing or empty language reads as pt_BR; other scalars read as their text; stray buttons are skipped."""
    assert MessageContent.from_dict(stored) == expected
    assert MessageContent.from_dict(stored).template_language == expected.template_language


def test_a_stored_payload_without_text_template_or_data_is_refused() -> None:
    """A stored payload that carries nothing to send is refused naming `text`."""
    with pytest.raises(ValidationError) as refused:
        MessageContent.from_dict({"template_language": "pt_BR", "params": []})
    assert refused.value.field == "text"


def test_the_digest_is_the_sha256_of_the_sorted_utf8_json_form() -> None:
    """The digest hashes the stored form with sorted keys and non-ASCII text kept as UTF-8."""
    content = MessageContent(
        text="Olá, Ana", template="aviso", params=("Ana",), data={"b": "1", "a": "2"}
    )
    canonical = (
        '{"data": {"a": "2", "b": "1"}, "params": ["Ana"], "template": "aviso", '
        '"template_language": "pt_BR", "text": "Olá, Ana"}'
    )
    assert content.digest() == hashlib.sha256(canonical.encode()).hexdigest()
    assert content.digest() == "aa0e86beea33cdb26f4051bc5aaffcb99ffcd596c6e746f8370457312d7ab64e"
