"""drf-spectacular hook: the OpenAPI schema documents CareThread's API, not Wagtail's internal CMS API."""


def exclude_cms_endpoints(endpoints: list[tuple], **kwargs) -> list[tuple]:
    """Drop /cms/ endpoints (Wagtail's admin API is for its own editor, undocumented and unversioned)."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith("/cms/")]
