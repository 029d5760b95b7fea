"""FHIR R4 interoperability: export of a care record as a Bundle, import of lab results (issue 16)."""
