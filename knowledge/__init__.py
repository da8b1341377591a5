"""Domain knowledge as reviewed data files: counters, lexicons, hotlines, wording.

Pure Python plus YAML. Imports nothing of the project, so both the Rasa side and the
gateway can use it. Every file is validated when loaded; a bad file raises
:class:`KnowledgeError` naming the file and the field.
"""
from knowledge.datafile import KnowledgeError, load_yaml

__all__ = ["KnowledgeError", "load_yaml"]
