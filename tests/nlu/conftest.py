"""Shared fixtures: ja_ginza and the Analyzer are loaded once per test module."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest


@pytest.fixture(scope="module")
def nlp():
    from nlu.analysis import load_spacy

    return load_spacy()


@pytest.fixture(scope="module")
def analyzer(nlp):
    """Lexicons and rules only (no trained classifier), so the cases test the rules."""
    from nlu.analysis import Analyzer

    return Analyzer(nlp=nlp, models=(None, None), counters=lambda categories: [])
