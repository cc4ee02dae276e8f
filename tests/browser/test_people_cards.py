"""/people/ shows every card's name and headline whole, on a desktop and on a 390 px phone: they
wrap inside the card instead of being cut off with an ellipsis or squeezed beside the Follow
button. Screenshots: var/screenshots/79-people-*.png."""

import pytest

from tests.browser.test_room_journeys import log_in

pytestmark = [pytest.mark.browser]

LONG_NAME = "Maximiliana Alexandra Fitzgerald-Worthington de la Cruz"
LONG_HEADLINE = ("Senior Site Reliability Engineer, platform and observability; Kubernetes, Terraform, "
                 "incident response and on-call coaching")  # 122 of the 140 characters a headline may have
UNBROKEN = "Supercalifragilisticexpialidocious-Engineering-Lead"  # one long word: must wrap too

# For each card: is any of its texts cut off (clipped, ellipsis, or wider than the card)?
CUT_OFF = """() => Array.from(document.querySelectorAll('.people .person')).flatMap((card) => {
  const box = card.getBoundingClientRect();
  return Array.from(card.querySelectorAll('.person-name, .person-headline, .person-handle')).filter((el) => {
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1
      || style.textOverflow === 'ellipsis' || rect.right > box.right + 0.5 || rect.left < box.left - 0.5;
  }).map((el) => el.textContent.trim());
})"""


@pytest.mark.parametrize("viewport, name", [({"width": 1280, "height": 860}, "desktop"),
                                            ({"width": 390, "height": 844}, "390")])
def test_people_cards_show_names_and_headlines_whole(new_context, make_user, shot, viewport, name):
    viewer = make_user(username="viewer")
    for index, (full_name, headline) in enumerate([(LONG_NAME, LONG_HEADLINE), (UNBROKEN, UNBROKEN),
                                                   ("Ada", "Backend developer")]):
        person = make_user(username=f"person{index}", name=full_name)
        person.profile.headline = headline
        person.profile.save()
    page = new_context(viewport=viewport).new_page()
    log_in(page, viewer.email)  # signed in: the cards have Follow buttons
    page.goto("/people/")
    card = page.locator(".people .person", has_text=LONG_NAME)
    assert card.locator(".person-headline").inner_text() == LONG_HEADLINE
    assert card.locator("button", has_text="Follow").is_visible()
    assert page.evaluate(CUT_OFF) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scroll
    # The button sits under the text, never on top of it.
    text_box = card.locator(".who").bounding_box()
    button_box = card.locator("button", has_text="Follow").bounding_box()
    assert text_box["y"] + text_box["height"] <= button_box["y"] + 0.5
    shot(page, f"79-people-{name}")
