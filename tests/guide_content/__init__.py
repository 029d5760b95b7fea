"""Tests for the patient guide's written content (guide/content/)."""
