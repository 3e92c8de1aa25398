"""Template header and button parameters: checked when built, kept with the job unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.delivery import MessageContent
from lia_core.domain.template_parts import ButtonKind, HeaderKind, TemplateButton, TemplateHeader
from lia_core.errors import ValidationError

_VALUES = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40)
_LINKS = st.from_regex(r"https://[a-z]{1,12}\.example/[a-z0-9/]{0,20}", fullmatch=True)


@st.composite
def headers(draw: st.DrawFn) -> TemplateHeader:
    """A text header, or a media header with a link (a document maybe with a file name)."""
    kind = draw(st.sampled_from(HeaderKind))
    if kind is HeaderKind.TEXT:
        return TemplateHeader(kind=kind, value=draw(_VALUES.filter(str.strip)))
    filename = draw(st.none() | st.just("fatura.pdf")) if kind is HeaderKind.DOCUMENT else None
    return TemplateHeader(kind=kind, value=draw(_LINKS), filename=filename)


buttons = st.lists(
    st.builds(
        TemplateButton,
        kind=st.sampled_from(ButtonKind),
        index=st.integers(0, 9),
        value=_VALUES.filter(str.strip),
    ),
    max_size=4,
    unique_by=lambda b: b.index,
)


@given(st.none() | headers(), buttons)
def test_content_with_header_and_buttons_round_trips(
    header: TemplateHeader | None, given_buttons: list[TemplateButton]
) -> None:
    """What the job stores reads back the same, buttons in index order."""
    content = MessageContent(
        template="aviso", params=("Ana",), header=header, buttons=tuple(given_buttons)
    )
    again = MessageContent.from_dict(content.to_dict())
    assert again == content
    assert [b.index for b in again.buttons] == sorted(b.index for b in given_buttons)


def test_content_without_parts_keeps_its_stored_form() -> None:
    """Content with neither header nor buttons stores exactly the keys it always did."""
    stored = MessageContent(template="aviso", params=("Ana",)).to_dict()
    assert sorted(stored) == ["data", "params", "template", "template_language", "text"]


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: TemplateHeader.of("gif", "x"), "header"),
        (lambda: TemplateHeader.of("text", "x" * 61), "header"),
        (lambda: TemplateHeader.of("image", "http://insecure.example/a.png"), "header"),
        (lambda: TemplateHeader.of("image", "https://a.example/x.png", filename="x"), "header"),
        (lambda: TemplateHeader.of("text", "  "), "header"),
        (lambda: TemplateButton.of("call", 0, "x"), "buttons"),
        (lambda: TemplateButton.of("url", 10, "x"), "buttons"),
        (lambda: TemplateButton.of("url", 0, " "), "buttons"),
        (
            lambda: MessageContent(template="t", buttons=(TemplateButton.of("url", 0, "a"),) * 2),
            "buttons",
        ),
        (lambda: MessageContent(text="oi", header=TemplateHeader.of("text", "x")), "header"),
    ],
)
def test_bad_parts_are_refused_naming_the_field(build: object, field: str) -> None:
    """An unknown kind, a long text header, a non-https link, a file name on an image, a
    blank value, a button index past 9, one index twice, parts without a template."""
    assert callable(build)
    with pytest.raises(ValidationError) as refused:
        build()
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"params": "Ana"}, "message params must be a list and data an object"),
        ({"data": "x"}, "message params must be a list and data an object"),
        ({"header": "aviso"}, "a message header must be an object and buttons a list"),
        ({"buttons": {"kind": "url"}}, "a message header must be an object and buttons a list"),
    ],
)
def test_a_corrupt_stored_payload_is_refused_saying_what(
    stored: dict[str, object], message: str
) -> None:
    """A stored payload of the wrong shape names the `payload` and the part that is wrong."""
    with pytest.raises(ValidationError) as refused:
        MessageContent.from_dict({"template": "aviso", **stored})
    assert (refused.value.field, str(refused.value)) == ("payload", message)


_NO_INDEX = "a button index must be an integer"


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"kind": "url", "index": "1", "value": "x"}, _NO_INDEX),
        ({"kind": "url", "index": True, "value": "x"}, _NO_INDEX),
        ({"kind": "url", "value": "x"}, _NO_INDEX),
        ({"index": 1, "value": "x"}, "unknown type ''; use one of url, quick_reply"),
        ({"kind": "url", "index": 1}, "a button parameter has 1-2000 characters"),
        ({"kind": "url", "index": 1, "value": ""}, "a button parameter has 1-2000 characters"),
    ],
)
def test_a_corrupt_stored_button_is_refused_saying_what(
    stored: dict[str, object], message: str
) -> None:
    """A stored button needs an integer index (not a bool), a kind and a value."""
    with pytest.raises(ValidationError) as refused:
        TemplateButton.from_dict(stored)
    assert (refused.value.field, str(refused.value)) == ("buttons", message)


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"value": "Olá"}, "unknown type ''; use one of text, image, video, document"),
        ({"kind": "text"}, "a header parameter needs a value"),
        ({"kind": "text", "value": ""}, "a header parameter needs a value"),
    ],
)
def test_a_corrupt_stored_header_is_refused_saying_what(
    stored: dict[str, object], message: str
) -> None:
    """A stored header needs a kind and a value."""
    with pytest.raises(ValidationError) as refused:
        TemplateHeader.from_dict(stored)
    assert (refused.value.field, str(refused.value)) == ("header", message)


_LINK_REFUSED = "a media header needs an https:// link of at most 2048 characters"


@pytest.mark.parametrize(
    "link",
    [
        "http://a.example/x.png",
        "https://a.example/uma foto.png",
        "https://a.example/\tx.png",
        "https://a.example/" + "x" * (2048 - len("https://a.example/") + 1),
    ],
)
def test_a_media_link_must_be_https_short_and_without_spaces(link: str) -> None:
    """A media header's link is refused when not https, with a space inside, or past 2048."""
    with pytest.raises(ValidationError) as refused:
        TemplateHeader.of("image", link)
    assert (refused.value.field, str(refused.value)) == ("header", _LINK_REFUSED)


def test_a_media_link_of_exactly_the_limit_is_kept() -> None:
    """A link of exactly 2048 characters is accepted."""
    link = "https://a.example/" + "x" * (2048 - len("https://a.example/"))
    assert TemplateHeader.of("video", link).value == link


@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        (lambda: TemplateHeader.of("text", " "), "header", "a header parameter needs a value"),
        (
            lambda: TemplateHeader.of("text", "x" * 61),
            "header",
            "a text header has at most 60 characters",
        ),
        (
            lambda: TemplateHeader.of("image", "https://a.example/x.png", filename="x"),
            "header",
            "only a document header has a file name",
        ),
        (
            lambda: TemplateHeader.of("gif", "x"),
            "header",
            "unknown type 'gif'; use one of text, image, video, document",
        ),
        (
            lambda: TemplateButton.of("url", 10, "x"),
            "buttons",
            "a button index is 0-9 (its place in the template)",
        ),
        (
            lambda: TemplateButton.of("url", 0, "x" * 2001),
            "buttons",
            "a button parameter has 1-2000 characters",
        ),
    ],
)
def test_a_refused_part_says_why(build: object, field: str, message: str) -> None:
    """Each refusal of a header or button parameter names its field and the rule broken."""
    assert callable(build)
    with pytest.raises(ValidationError) as refused:
        build()
    assert (refused.value.field, str(refused.value)) == (field, message)


def test_parts_at_their_length_limits_are_kept() -> None:
    """A 60-character text header and a 2000-character button parameter are accepted."""
    assert TemplateHeader.of("text", "x" * 60).value == "x" * 60
    assert TemplateButton.of("quick_reply", 9, "y" * 2000).value == "y" * 2000
