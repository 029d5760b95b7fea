from django.urls import path

from messaging import api

urlpatterns = [
    path("conversations/", api.ConversationList.as_view(), name="conversation-list"),
    path("conversations/<int:pk>/messages/", api.ConversationMessages.as_view(), name="conversation-messages"),
    path("conversations/<int:pk>/reply/", api.ConversationReply.as_view(), name="conversation-reply"),
]
