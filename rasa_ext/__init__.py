"""Small extensions loaded by the Rasa server (Rasa env, Python 3.10): see tracker_store.py."""
