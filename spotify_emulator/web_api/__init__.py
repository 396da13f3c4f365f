"""The Web API (``/v1/...``): request context, JSON shapes, handlers and the route table."""
