"""Custom actions of the intake dialogue (rasa-sdk), grouped by feature.

Modules without Rasa imports hold the logic (household_state, wording, handoff_record,
sources); the feature modules (listening, crisis, summary, counters, consent, handoff,
smalltalk, fallback, concerned, safety) are thin actions around them. Every text comes
from knowledge/wording/ or, in やさしい日本語, from its twin knowledge/wording_easy/.
"""
