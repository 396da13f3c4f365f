"""State every app process shares: idempotency records, budgets and Spotify's pauses.

On Lambda each concurrent request may run in its own container, so what must hold across
requests (one playlist per save, a listener's budget, "Spotify paused us until …") lives in a
store every container sees: DynamoDB in production (``dynamodb.DynamoDBState``, on-demand, with
a TTL attribute), an in-process one for ``make run`` and tests (``memory.MemoryState``), both
behind ``store.SharedState``. ``stores.shared_state()`` gives the one the settings choose.

This package imports no app (``playlists``, ``accounts``) and Django only where the settings
are read, so both apps can use it without import cycles.
"""
