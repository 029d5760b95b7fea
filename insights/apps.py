from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Clinic insights (issue 14): read-only weekly aggregates over consults, messages, doses and results."""

    name = "insights"
    verbose_name = "Clinic insights"
