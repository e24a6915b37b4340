# The seed's model, as written ("idempotency and event log, simplified").
from django.db import models


class WebhookEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=64)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, default="queued")  # queued|processing|done|error
    error = models.TextField(blank=True, default="")
