from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = "Messages"

    def ready(self) -> None:
        from messaging import consult_events
        from messaging.cards import message_cards
        from patients.queue import register_card_provider

        register_card_provider(message_cards)
        consult_events.connect()
