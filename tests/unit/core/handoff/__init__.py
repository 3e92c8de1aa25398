"""Tests of lia_core.handoff: the classifier, the language guesser, the conversation machine."""
