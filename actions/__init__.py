"""Custom actions of the intake dialogue (rasa-sdk), grouped by feature.

Modules without Rasa imports hold the logic (household_state, wording, handoff_record,
sources); the feature modules (listening, crisis, summary, counters, consent, handoff,
smalltalk, fallback) are thin actions around them.
"""
