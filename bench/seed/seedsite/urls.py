from django.urls import path

from relay.views import WPWebhookView

urlpatterns = [
    path("webhooks/wp", WPWebhookView.as_view()),
]
