"""The coordinator's work queue: each app contributes cards (a count and a link to a filtered list).

Apps register a provider in their `AppConfig.ready()`; the console dashboard calls `queue_cards`.
Providers must run a fixed number of queries (usually one `count()`), whatever the data size.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class QueueCard:
    key: str
    title: str
    count: int
    url: str
    urgent: bool = False
    order: int = 100


CardProvider = Callable[[AbstractBaseUser, bool], list[QueueCard]]
_providers: list[CardProvider] = []


def register_card_provider(provider: CardProvider) -> CardProvider:
    """Add a provider called as provider(user, mine_only) -> cards. Usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def queue_cards(user: AbstractBaseUser, *, mine_only: bool = True) -> list[QueueCard]:
    cards = [card for provider in _providers for card in provider(user, mine_only)]
    return sorted(cards, key=lambda card: (card.order, card.key))
