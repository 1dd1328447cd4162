"""Text boxes count a line break as one character, as the browser's ``maxlength`` does (it sends CR LF)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chinhquyen.core.forms import TextBoxField
from chinhquyen.feedback.models import Petition
from chinhquyen.portal.feedback_views import PetitionForm
from tests.feedback.test_portal_views import petition_post


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("aaaaaaaa\r\nb", "aaaaaaaa\nb"),  # 11 sent, 10 counted and kept
        ("a\rb\nc", "a\nb\nc"),
        ("  dòng một\r\ndòng hai  ", "dòng một\ndòng hai"),
    ],
)
def test_line_breaks_are_one_character_each(typed, kept):
    field = TextBoxField(max_length=len(kept))

    assert field.clean(typed) == kept


def test_a_text_longer_than_the_limit_without_its_line_breaks_is_still_refused():
    field = TextBoxField(max_length=10)

    with pytest.raises(ValidationError) as refused:
        field.clean("aaaaaaaaa\r\nbb")

    assert [error.code for error in refused.value.error_list] == ["max_length"]


def test_a_text_box_renders_as_a_textarea_with_its_rows():
    assert 'rows="8"' in str(PetitionForm(agencies=[])["content"])


@pytest.mark.django_db
def test_a_petition_of_5000_characters_in_paragraphs_is_filed_as_typed(client):
    # Ten paragraphs of 499 letters: the browser's counter shows 4,999 of 5,000 and sends 5,008 characters.
    content = "\r\n".join(["Chờ lâu " + "x" * 491] * 10)
    assert (len(content), len(content.replace("\r\n", "\n"))) == (5008, 4999)

    response = client.post(reverse("portal:petition_file"), petition_post(content=content))

    assert response.status_code == 302
    assert Petition.objects.get().content == content.replace("\r\n", "\n")
