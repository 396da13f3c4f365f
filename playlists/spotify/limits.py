"""What Spotify's Web API takes per request (late 2026), for the gateway that makes the requests
and the services that plan them; spotipy-free, so the services can import it."""

DEV_PAGE_LIMIT = 10  # /search and /artists/{id}/albums in Development Mode
PAGE_LIMIT = 50  # everything else that pages by offset, and those two in Extended Quota
MAX_SEARCH_END = 1000  # Spotify rejects a search whose offset + limit goes beyond 1,000
ITEMS_PER_WRITE = 100  # POST/PUT /playlists/{id}/items
BATCH_ALBUMS, BATCH_TRACKS = 20, 50  # GET /albums?ids=, /tracks?ids= (Extended Quota only)
