"""The patient guide's words: one module per language (en, hi), shaped as GUIDE_SCHEMA.md describes."""
