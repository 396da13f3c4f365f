"""Reading what a release or a recording is from its name, as Spotify's titles spell it.

Used to turn a real crawl (names only) into a catalogue with editions and versions. The
rules look at the words real titles use ("Deluxe Edition", "Live at ...", "- Remastered
2011", "(Demo)", "Commentary", ...) in any position and are case- and accent-blind.
"""

from __future__ import annotations

import re

from spotify_emulator.catalogue.model import base_title, normalize

_COMMENTARY = re.compile(r"\bcommentary\b|\bcommentaire\b|track by track")
_INSTRUMENTAL = re.compile(r"\binstrumentals?\b|\bkaraoke\b")
_DEMO = re.compile(r"\bdemos?\b|\bwork tape\b|\bearly version\b|\brough mix\b")
_LIVE = re.compile(r"\blive\b(?! forever)|\bunplugged\b|\bin concert\b|\ben vivo\b|\bao vivo\b"
                   r"|\ben directo\b|\bsession\b")
_REMIX = re.compile(r"\bremix(es|ed)?\b|\brmx\b|\brework\b|\bdub\b|\b\w+ mix\b|\bvip\b|\bflip\b")
_ACOUSTIC = re.compile(r"\bacoustic\b|\bstripped\b|\bpiano version\b|\bacustic[oa]\b")
_EDIT = re.compile(r"\bradio edit\b|\bsingle edit\b|\bedit\b|\bclean\b|\bshort version\b")
_REMASTER = re.compile(r"\bremaster(ed)?\b|\bremastered version\b|\bmono\b|\bstereo\b")
_DELUXE = re.compile(r"\bdeluxe\b|\bexpanded\b|\bedition\b|\banniversary\b|\bbonus\b"
                     r"|\bspecial\b|\bcomplete\b|\bplatinum\b|\bextended\b|\bsuper\b"
                     r"|\breloaded\b|\bencore\b|\bcollector'?s?\b|\bedicion\b|\bversion\b")
_COMPILATION = re.compile(r"\bgreatest hits\b|\bbest of\b|\bthe essential\b|\bhits\b"
                          r"|\bcollection\b|\banthology\b|\bthe singles\b|\bretrospective\b"
                          r"|\bgold\b|\bb-sides\b|\brarities\b|\bgrandes exitos\b")
_ORIGINAL_MIX = re.compile(r"\boriginal mix\b|\balbum mix\b|\bmain mix\b")


def _suffix(name: str) -> str:
    """The normalized part of a title after its base title ("- Live at X", "(Demo)")."""
    base = base_title(name)
    return normalize(name[len(base):]) if name.startswith(base) else normalize(name)


def album_edition(album_name: str) -> str:
    """Edition of an album from its title: studio, deluxe, live, remaster, compilation,
    commentary or instrumental."""
    text = normalize(album_name)
    rest = _suffix(album_name)
    if _COMMENTARY.search(text):
        return "commentary"
    if _INSTRUMENTAL.search(rest) or text.endswith("instrumentals"):
        return "instrumental"
    if _LIVE.search(rest) or text.startswith(("live at ", "live from ", "live in ", "unplugged")) \
            or re.search(r"\b(mtv unplugged|in concert|live)\b$", text):
        return "live"
    if _COMPILATION.search(text):
        return "compilation"
    if _REMASTER.search(rest):
        return "remaster"
    if _DELUXE.search(rest):
        return "deluxe"
    return "studio"


def track_version(track_name: str, edition: str) -> str:
    """Version of a recording from its title and its album's edition.

    Distinct recordings (live, remix, acoustic, demo, instrumental, commentary, edit) are
    read from the title first, then from the album; other titles are the album recording
    (``remaster`` on remastered albums, ``compilation`` on compilations).
    """
    rest = _suffix(track_name)
    if rest and not _ORIGINAL_MIX.search(rest):
        for pattern, version in ((_COMMENTARY, "commentary"), (_INSTRUMENTAL, "instrumental"),
                                 (_DEMO, "demo"), (_LIVE, "live"), (_REMIX, "remix"),
                                 (_ACOUSTIC, "acoustic"), (_EDIT, "edit"),
                                 (_REMASTER, "remaster")):
            if pattern.search(rest):
                return version
    if edition in ("live", "commentary", "instrumental", "remaster", "compilation"):
        return edition
    return "original"


#: Versions that are a distinct recording (their own ISRC), not a copy of the album one.
DISTINCT_RECORDINGS = frozenset({"live", "remix", "acoustic", "demo", "instrumental",
                                 "commentary", "edit"})
