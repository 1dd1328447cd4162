"""The public dossier lookup (/tra-cuu-ho-so/): what it shows, what it hides, and how it throttles guesses."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.documents.data import lookup_url_for
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.dossiers.selectors import dossier_lookup_public
from chinhquyen.dossiers.services import dossier_approve, dossier_forward, dossier_issue_result, dossier_return
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

URL = "/tra-cuu-ho-so/"
NOT_FOUND = "No dossier matches this code and lookup secret."
TOO_MANY = "Too many unsuccessful lookups."


def browser_at(ip: str = "198.51.100.7") -> Client:
    """A visitor reading English from ``ip``."""
    return Client(headers={"accept-language": "en"}, REMOTE_ADDR=ip)


def look(client: Client, code: str, secret: str):
    return client.get(URL, {"ma": code, "k": secret})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def received_world() -> tuple[World, Dossier]:
    world = World(days=5)
    return world, world.received(at=vn(2026, 3, 2, 8, 0))  # a Monday; due 40 working hours later


def test_url_is_named_and_the_empty_form_is_labelled():
    response = browser_at().get(reverse("portal:dossier_lookup"))

    assert reverse("portal:dossier_lookup") == URL
    assert response.status_code == 200
    html = text_of(response)
    assert '<label for="id_ma">Dossier code</label>' in html
    assert '<label for="id_k">Lookup secret</label>' in html
    assert 'method="get"' in html
    assert NOT_FOUND not in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_right_code_and_secret_show_status_due_date_and_agency_only():
    world, dossier = received_world()
    snapshot = dossier.applicant_snapshot

    response = look(browser_at(), dossier.code, dossier.lookup_secret)

    assert response.status_code == 200
    html = text_of(response)
    assert f"<dd>{dossier.code}</dd>" in html
    assert '<dd id="lookup-status">Received by the agency; processing will start shortly.</dd>' in html
    assert '<time datetime="2026-03-09T08:00:00+07:00">09/03/2026 08:00</time>' in html
    assert f"<dd>{world.agency.name}</dd>" in html
    assert "Result handed over on" not in html
    for private in (snapshot["name"], snapshot["personal_id"], world.applicant.name, world.procedure.name):
        assert private not in html
    assert NOT_FOUND not in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_returned_dossier_shows_when_the_result_was_handed_over():
    world, dossier = received_world()
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 4, 10, 0))
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 5, 8, 30))

    html = text_of(look(browser_at(), dossier.code, dossier.lookup_secret))

    assert '<dd id="lookup-status">Completed: the result has been handed over to you.</dd>' in html
    assert (
        '<dt>Result handed over on</dt> <dd><time datetime="2026-03-05T08:30:00+07:00">05/03/2026 08:30</time></dd>'
        in html
    )


@pytest.mark.parametrize(
    "transform",
    [str.lower, lambda s: f"  {s}\t", lambda s: s.title()],
    ids=["lower-case", "surrounded-by-whitespace", "mixed-case"],
)
def test_secret_is_not_case_sensitive_and_whitespace_is_trimmed(transform):
    _world, dossier = received_world()

    response = look(browser_at(), f" {dossier.code.lower()} ", transform(dossier.lookup_secret))

    assert response.status_code == 200
    assert f"<dd>{dossier.code}</dd>" in text_of(response)


def test_wrong_secret_and_unknown_code_get_the_same_neutral_answer():
    world, dossier = received_world()
    unknown = f"{world.agency.code}-260302-0999"
    wrong_secret = look(browser_at("198.51.100.1"), dossier.code, "00000000")
    unknown_code = look(browser_at("198.51.100.2"), unknown, dossier.lookup_secret)

    def normalised(response, code: str) -> str:
        html = text_of(response).replace(code, "CODE").replace(dossier.lookup_secret, "SECRET")
        html = html.replace("00000000", "SECRET")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert (wrong_secret.status_code, unknown_code.status_code) == (200, 200)
    assert NOT_FOUND in text_of(wrong_secret)
    assert normalised(wrong_secret, dossier.code) == normalised(unknown_code, unknown)
    assert "lookup-status" not in text_of(wrong_secret)
    assert dict(wrong_secret.headers).keys() == dict(unknown_code.headers).keys()


def test_draft_is_never_found_even_with_its_secret():
    world = World(days=5)
    draft = world.draft()
    Dossier.objects.filter(pk=draft.pk).update(code="000.00.99.H37-260302-0001")  # as if it had a code
    draft.refresh_from_db()

    response = look(browser_at(), draft.code, draft.lookup_secret)

    assert draft.status == DossierStatus.DRAFT
    assert NOT_FOUND in text_of(response)
    assert dossier_lookup_public(code=draft.code, secret=draft.lookup_secret) is None


def test_selector_finds_only_with_the_right_secret():
    _world, dossier = received_world()

    assert dossier_lookup_public(code=dossier.code, secret=dossier.lookup_secret.lower()) == dossier
    assert dossier_lookup_public(code=dossier.code, secret="") is None
    assert dossier_lookup_public(code=dossier.code, secret=dossier.lookup_secret[:-1]) is None
    assert dossier_lookup_public(code=dossier.code, secret="ĐĐĐĐĐĐĐĐ") is None
    assert dossier_lookup_public(code="", secret=dossier.lookup_secret) is None
    Dossier.objects.filter(pk=dossier.pk).update(lookup_secret="")
    assert dossier_lookup_public(code=dossier.code, secret="") is None


def test_missing_fields_are_explained_and_not_counted_as_guesses():
    client = browser_at()

    for _ in range(12):
        response = client.get(URL, {"ma": "", "k": ""})

    html = text_of(response)
    assert response.status_code == 200
    assert '<p class="lookup-error" id="id_ma_errors">Enter the dossier code.</p>' in html
    assert '<p class="lookup-error" id="id_k_errors">Enter the lookup secret.</p>' in html
    assert 'aria-describedby="id_k_hint id_k_errors"' in html
    assert NOT_FOUND not in html


def test_ten_failures_from_one_address_lock_it_out_with_retry_after():
    world, dossier = received_world()
    client = browser_at("203.0.113.5")

    answers = [look(client, f"{world.agency.code}-260302-{n:04d}", "00000000").status_code for n in range(100, 110)]
    locked = look(client, dossier.code, dossier.lookup_secret)  # even the right secret is not checked

    assert answers == [200] * 10
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    assert TOO_MANY in text_of(locked)
    assert "lookup-status" not in text_of(locked)
    assert locked["X-Robots-Tag"] == "noindex"
    # Another address is not affected.
    assert look(browser_at("203.0.113.6"), dossier.code, dossier.lookup_secret).status_code == 200


def test_failures_on_a_code_from_other_addresses_never_lock_its_applicant_out():
    # Codes are sequential: a lock per code would let anyone shut a day's applicants out of their lookups.
    _world, dossier = received_world()

    answers = {look(browser_at(f"192.0.2.{n}"), dossier.code, "00000-00000").status_code for n in range(1, 31)}
    response = look(browser_at("192.0.2.99"), dossier.code.lower(), dossier.lookup_secret)

    assert answers == {200}
    assert response.status_code == 200
    assert f"<dd>{dossier.code}</dd>" in text_of(response)


def test_the_secret_is_ten_unambiguous_characters_in_two_groups():
    _world, dossier = received_world()

    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", dossier.lookup_secret)


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("7KQ2M-X9PDA", "7kq2mx9pda"),
        ("7KQ2M-X9PDA", "7KQ2M X9PDA"),
        ("10A0B-11C0D", "lOAoB-ILCOD"),  # O typed for 0, I or L for 1
        ("3F9A0C1E", "3F9A-0C1E"),  # a secret issued before, eight hexadecimal digits
    ],
)
def test_the_secret_is_read_the_way_people_copy_it(stored, typed):
    _world, dossier = received_world()
    Dossier.objects.filter(pk=dossier.pk).update(lookup_secret=stored)

    assert dossier_lookup_public(code=dossier.code, secret=typed) == dossier
    assert dossier_lookup_public(code=dossier.code, secret=typed[:-1]) is None


def test_ipv6_neighbours_in_one_64_share_a_counter():
    world, _dossier = received_world()

    for n in range(10):
        look(browser_at(f"2001:db8:1:2::{n + 1:x}"), f"{world.agency.code}-260302-{n:04d}", "00000000")

    assert look(browser_at("2001:db8:1:2::ff"), "X", "Y").status_code == 429
    assert look(browser_at("2001:db8:1:3::1"), "X", "Y").status_code == 200


def test_successful_lookups_do_not_count():
    _world, dossier = received_world()
    client = browser_at()

    answers = {look(client, dossier.code, dossier.lookup_secret).status_code for _ in range(15)}

    assert answers == {200}


def test_success_from_another_address_after_failures_on_the_code():
    _world, dossier = received_world()
    for _ in range(4):
        look(browser_at("203.0.113.10"), dossier.code, "FFFFFFFF")

    response = look(browser_at("203.0.113.11"), dossier.code, dossier.lookup_secret)

    assert response.status_code == 200
    assert f"<dd>{dossier.code}</dd>" in text_of(response)


def test_the_qr_code_link_on_the_receipt_opens_the_result():
    world, dossier = received_world()

    url = urlsplit(lookup_url_for(dossier))
    response = browser_at().get(url.path, dict(parse_qsl(url.query)))

    assert url.path == URL
    assert dict(parse_qsl(url.query)) == {"ma": dossier.code, "k": dossier.lookup_secret}
    assert response.status_code == 200
    html = text_of(response)
    assert f"<dd>{dossier.code}</dd>" in html
    assert f"<dd>{world.agency.name}</dd>" in html


def test_page_stays_well_under_the_size_budget():
    _world, dossier = received_world()

    response = look(browser_at(), dossier.code, dossier.lookup_secret)

    assert len(response.content) < 20_000
