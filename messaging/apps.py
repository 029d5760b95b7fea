from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = "Messages"

    def ready(self) -> None:
        from clinic.panels import register_record_panel
        from clinic.queue import register_card_provider
        from messaging.cards import message_cards
        from messaging.record_panel import MESSAGE_THREAD_PANEL

        register_card_provider(message_cards)
        register_record_panel(MESSAGE_THREAD_PANEL)
