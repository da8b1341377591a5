"""The gateway's durable store: handoffs, staff accounts, audit log, LINE dedup and outbox."""
