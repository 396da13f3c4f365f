"""Invented names for the generated catalogue: artists by genre, word lists for titles.

All artist names are made up for the emulator; none is meant to be a real act.
"""

from __future__ import annotations

#: genre key -> (Spotify-style genre tags, artist names)
GENRES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "indie": (
        ("indie rock", "modern rock"),
        ("Marigold Static", "The Hollow Orchards", "Velvet Kestrel", "Paper Satellites Club",
         "Juniper & The Fog Lights", "Quiet Foxglove", "The Lantern Rebellion"),
    ),
    "dreampop": (
        ("dream pop", "shoegaze"),
        ("Lilac Reverb", "Saltwater Halo", "Moth Cathedral", "Cloudberry Haze", "Pale Orbit",
         "Slow Comet Society", "Azure Drifters"),
    ),
    "synthwave": (
        ("synthwave", "electronica"),
        ("Neon Tapir", "Chrome Lagoon", "VHS Monarch", "Midnight Arcadia", "Pixel Dunes",
         "Laser Orchid", "Tokyo Drizzle Machine"),
    ),
    "hiphop": (
        ("hip hop", "rap"),
        ("Lil Quasar", "MC Brickhouse Poet", "Young Saffron", "Deacon Vex", "Kid Marmalade",
         "Tiny Riot Supreme", "OG Lighthouse"),
    ),
    "jazz": (
        ("contemporary jazz", "jazz"),
        ("The Ellery Finch Quartet", "Odessa Blue Trio", "Marlon Quillfeather",
         "Smoke & Brass Ensemble", "Nadia Okonkwo-Reyes", "The Late Tram Quintet",
         "Ferris Wheel Swing Club"),
    ),
    "folk": (
        ("folk", "americana"),
        ("Hazel Wren", "The Cedar Hollow Band", "Amos Thistledown", "Willa Greymoor",
         "The Barn Owl Choir", "Rowan Ashgrove", "Ticket To Tupelo"),
    ),
    "metal": (
        ("metal", "progressive metal"),
        ("Obsidian Wyrm", "Grimlantern", "Iron Peregrine", "Basalt Throne", "The Howling Quarry",
         "Necrolith Garden", "Thunderfjord"),
    ),
    "house": (
        ("house", "dance pop"),
        ("DJ Papaya Cartel", "Sunset Modular", "Kaleidoscope Kid", "Bassline Botanist",
         "Velour District", "Electric Manatee", "Disco Heron"),
    ),
    "rnb": (
        ("r&b", "neo soul"),
        ("Amara Vance", "Satin Harbor", "Jalen Moonstone", "Honey Cassette", "Keturah Blaze",
         "The Velvet Lamps", "Solène Rivers"),
    ),
    "latin": (
        ("latin pop", "reggaeton"),
        ("Luna Tamarindo", "Rafa Solazo", "Los Cometas Dorados", "Valeria Brisa", "DJ Mango Bajo",
         "Paloma Eléctrica", "Nico Farolito"),
    ),
}

#: Share of explicit songs per genre.
EXPLICIT_RATE = {"hiphop": 0.65, "metal": 0.35, "rnb": 0.3, "latin": 0.3, "indie": 0.1}

#: Genres whose hits get remix singles / acoustic EPs.
REMIX_GENRES = frozenset({"synthwave", "house", "rnb", "latin", "dreampop", "hiphop"})
ACOUSTIC_GENRES = frozenset({"indie", "folk", "rnb", "dreampop", "latin"})

#: Tribute / karaoke "artists": (name, album title pattern, track title pattern).
TRIBUTE_ACTS = (
    ("Karaoke Kingdom Studio Band", "Karaoke Hits of {artist}",
     "{song} (Originally Performed by {artist}) [Karaoke Version]"),
    ("The Tribute Renditions Orchestra", "A Tribute to {artist}",
     "{song} (Originally Performed by {artist})"),
    ("Lullaby Baby Covers", "Lullaby Renditions of {artist}",
     "{song} (Lullaby Rendition) [Originally Performed by {artist}]"),
    ("Piano Cover Collective", "{artist} on Piano",
     "{song} (Piano Version) [Originally Performed by {artist}]"),
)

VARIOUS_ARTISTS = "Various Artists"

ADJECTIVES = (
    "Golden", "Hollow", "Electric", "Quiet", "Velvet", "Broken", "Silver", "Wild", "Midnight",
    "Paper", "Neon", "Lonely", "Burning", "Frozen", "Crimson", "Gentle", "Restless", "Hidden",
    "Distant", "Secret", "Sunday", "Summer", "Winter", "Autumn", "Last", "First", "Fading",
    "Endless", "Tiny", "Lucky", "Sleepless", "Salty", "Honey", "Cosmic", "Dusty", "Copper",
)
NOUNS = (
    "Heart", "River", "Lights", "Garden", "Highway", "Ocean", "Satellite", "Mirror", "Thunder",
    "Echo", "Window", "Fire", "Rain", "Harvest", "Moon", "Horizon", "Letters", "Shadows", "Dreams",
    "Streets", "Signals", "Waves", "Bridges", "Stars", "Orchard", "Harbor", "Tide", "Gravity",
    "Summer", "Machine", "Static", "Lanterns", "Comet", "Ghosts", "Roses", "Arcade", "Diamonds",
)
VERBS = (
    "Running", "Falling", "Dancing", "Waiting", "Breathing", "Dreaming", "Drifting", "Burning",
    "Chasing", "Holding", "Calling", "Fading", "Shining", "Floating", "Driving", "Talking",
)
SINGLE_WORDS = (
    "Gravity", "Home", "Vertigo", "Afterglow", "Lullaby", "Paradise", "Wildfire", "Undertow",
    "Daydream", "Overdrive", "Heartbeat", "Supernova", "Lighthouse", "Mercury", "Sundown",
    "Kaleidoscope", "Nightcall", "Homesick", "Moonlight", "Runaway", "Saudade", "Bittersweet",
)
PLACES = (
    "Avenue", "Motel", "Station", "Boulevard", "Pier", "Rooftop", "Harbour", "Canyon", "Valley",
)
VENUES = (
    "The Roundhouse", "Red Cedar Amphitheatre", "The Blue Door Club", "Paradiso Hall",
    "The Old Tram Depot", "Harbourside Arena", "Teatro Lumière", "The Granary",
)
LABELS = (
    "Moth & Lantern Records", "Copperline Music", "Saltmarsh Recordings", "Bright Orbit Records",
    "Northern Porch Sound", "Velour Audio", "Kestrel House Music", "Tidewater Label Group",
)
COMPILATION_TITLES = ("Greatest Hits", "The Essential {artist}", "The Best of {artist}",
                      "Anthology", "Singles & Rarities")
