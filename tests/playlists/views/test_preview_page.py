"""The preview explains itself: a reason per track, a summary per artist, an action bar that
works without JavaScript, and covers that do not make the page jump."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.test import Client

from tests.playlists.views.test_generator import digest_of, make_preview


class Elements(HTMLParser):
    """Start tags with their attributes, and the text inside chosen classes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def test_each_track_gives_its_reasons_in_plain_sentences_visible_to_all(
    connected_client: Client,
) -> None:
    text = make_preview(connected_client).content.decode()
    tracks = re.findall(r'<li class="track".*?</li>', text, flags=re.S)
    assert len(tracks) == 20
    for track in tracks:
        why = re.search(r'<p class="track-why"><span class="why-label">Why:</span> (.+?)</p>',
                        track, flags=re.S)
        assert why, track
        assert re.sub(r"<[^>]+>", "", why[1]).rstrip().endswith(".")
        assert "search #" not in why[1]  # not the ranking's shorthand
    assert "Deep in their catalogue: Spotify lists it" in text
    assert "How deep: probably among their least-played" in text
    assert '<a href="#how-we-choose">how we choose</a>' in text
    assert 'id="how-we-choose"' in text


def test_covers_are_lazy_and_sized(connected_client: Client) -> None:
    page = Elements(make_preview(connected_client).content.decode())
    covers = [a for t, a in page.tags if t == "img" and "track-art" in (a.get("class") or "")]
    assert len(covers) == 20
    assert all((c["loading"], c["width"], c["height"]) == ("lazy", "56", "56") for c in covers)


def test_the_artist_summary_adds_up(connected_client: Client) -> None:
    text = make_preview(connected_client, artist_count="4", track_count="20").content.decode()
    rows = re.findall(r'<span class="count-top">(\d+) top</span> '
                      r'<span class="count-deep">(\d+) deep</span>', text)
    assert len(rows) == 4
    assert sum(int(t) + int(d) for t, d in rows) == 20
    assert sum(int(d) for _, d in rows) == text.count('class="badge badge-deep"')


def test_the_action_bar_works_without_javascript(connected_client: Client) -> None:
    response = make_preview(connected_client)
    page = Elements(response.content.decode())
    [save] = page.find("button", id="save-button")
    [shuffle] = page.find("button", id="shuffle-button")
    [back] = page.find("button", id="back-button")
    [save_form] = page.find("form", id=str(save["form"]))
    [shuffle_form] = page.find("form", id=str(shuffle["form"]))
    [back_form] = page.find("form", id=str(back["form"]))
    assert (save_form["action"], save_form["method"]) == ("/save/", "post")
    assert (shuffle_form["action"], shuffle_form["method"]) == ("/preview/shuffle/", "post")
    # Back posts the sealed draft too (issue 22.7), and only goes back to the options.
    assert (back_form["action"], back_form["method"]) == ("/preview/resume/", "post")
    back_to = connected_client.post(back_form["action"], {"to": "options"})
    assert back_to["Location"] == "/generate/"
    assert shuffle["aria-label"] == "Shuffle again" and back["aria-label"] == "Back to options"
    assert "20</strong> tracks" in response.content.decode().split('id="bar-totals"')[1][:80]
    # The bar's Save button submits the digest of exactly this preview.
    saved = connected_client.post(save_form["action"], {"digest": digest_of(response)})
    assert saved.status_code == 302 and "/playlists/" in saved["Location"]


def test_the_options_form_marks_what_each_source_uses(connected_client: Client) -> None:
    page = Elements(connected_client.get("/generate/").content.decode())
    [time_range] = page.find("div", id="time-range-field")
    [picker] = page.find("div", id="artist-picker")
    assert time_range["data-shown-for"] == "top"
    assert picker["data-shown-for"] == "picked"
    # Nothing is hidden in the HTML itself: without JavaScript every field is there.
    assert "hidden" not in time_range and "hidden" not in picker


def test_an_artist_short_of_songs_shows_it_was_filled_from_others(
    connected_client: Client,
) -> None:
    # 60 tracks: 30 each; in the demo catalogue Pale Orbit has the fewest songs (about 20),
    # Lil Quasar the most (over 50).
    text = make_preview(
        connected_client,
        artist_source="picked",
        picked_artists="Pale Orbit\nLil Quasar",
        artist_count="2",
        track_count="60",
    ).content.decode()
    rows = dict(re.findall(r'<span class="artist-name">([^<]+)</span>(.*?)</li>', text,
                           flags=re.S))
    small, big = rows["Pale Orbit"], rows["Lil Quasar"]
    assert re.search(r"only \d+ usable, \d+ filled from others", small)
    assert re.search(r"\d+ more, filling in for others", big)
