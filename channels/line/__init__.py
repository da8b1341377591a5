"""The LINE channel: `POST /callback`, event handling, reply/push with an outbox.

`channels/app.py` mounts `channels.line.router`; its lifespan builds the runtime on
`app.state.line` (None when LINE_CHANNEL_SECRET or LINE_CHANNEL_ACCESS_TOKEN is missing).
"""
