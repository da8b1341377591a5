"""Staff side of the gateway: console, handoff API, exports, accounts command."""
