"""Web chat: the resident's page at / and POST /api/chat (contract §5)."""
