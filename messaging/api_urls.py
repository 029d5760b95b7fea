from django.urls import path

import clinic.ids  # noqa: F401  (registers the <id:…> path converter)
from messaging import api

urlpatterns = [
    path("conversations/", api.ConversationList.as_view(), name="conversation-list"),
    path("conversations/<id:pk>/messages/", api.ConversationMessages.as_view(), name="conversation-messages"),
    path("conversations/<id:pk>/reply/", api.ConversationReply.as_view(), name="conversation-reply"),
]
