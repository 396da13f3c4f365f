"""Views: thin adapters between HTTP and the services in ``playlists/services``."""
