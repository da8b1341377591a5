"""Small extensions of the Rasa server (Rasa env, Python 3.10), each module saying why:
a tracker store that survives database restarts (tracker_store.py), a check of action
answers compiled once (action_results.py) and an event-class table (event_types.py).
The last two are installed by starting Rasa as `python -m rasa_ext run …`."""
