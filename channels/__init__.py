"""The gateway: web chat, staff console, help desk and the handoff store (LINE lives in channels/line/)."""
