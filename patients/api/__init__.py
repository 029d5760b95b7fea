"""Staff API for patient data (mounted at /api/v1/ by patients/api_urls.py)."""
