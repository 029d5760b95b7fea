from tests.guide.fixtures import editor, guide_seeded_once, guide_site, reviewer, sample_content  # noqa: F401
