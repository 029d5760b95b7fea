"""`python manage.py simulate_inbound --from +919876500001 [--channel sms|whatsapp] "C"`: a patient's
message through the real inbound path, without Twilio (local development)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.errors import DomainError
from messaging.simulate import inbound_simulate
from patients.models import Channel


class Command(BaseCommand):
    help = "Feed one patient message to the real inbound path (webhook minus the signature) and route it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="phone", required=True, help="The patient's number, e.g. +919876543210.")
        parser.add_argument("--channel", choices=[Channel.SMS, Channel.WHATSAPP], default=Channel.SMS)
        parser.add_argument("text", help="What the patient writes, e.g. C, STOP, TAKEN.")

    def handle(self, *args, phone: str, channel: str, text: str, **options) -> None:
        try:
            result = inbound_simulate(phone=phone, channel=channel, body=text)
        except DomainError as error:
            raise CommandError(f"{error.message} Write it like +919876543210.") from error
        message = result.message
        self.stdout.write(
            self.style.SUCCESS(
                f"Received message #{message.pk} from patient #{message.patient_id} on {channel}: {result.outcome}"
                + (f" (keyword {message.keyword})" if message.keyword else "")
            )
        )
        self.stdout.write("Replies, if any, are queued: the worker prints them (make run) or sends them.")
