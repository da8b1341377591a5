"""Small extensions of the Rasa server (Rasa env, Python 3.10): a tracker store that
survives database restarts (tracker_store.py) and a faster check of action answers
(action_results.py), installed by starting Rasa as `python -m rasa_ext run …`."""
