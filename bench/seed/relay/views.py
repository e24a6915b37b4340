# The seed's "DRF View", as written.
import json

from django.db import IntegrityError, transaction
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import WebhookEvent
from .signature import verify_signature
from .tasks import process_wp_event  # Celery task


class WPWebhookView(APIView):
    authentication_classes = []  # HMAC-only
    permission_classes = []  # network segmentation recommended

    def post(self, request, *args, **kwargs):
        sig = request.headers.get("X-WP-Signature")
        ts = request.headers.get("X-WP-Timestamp")
        idem = request.headers.get("Idempotency-Key")
        if not sig or not ts or not idem:
            return Response({"error": "missing headers"}, status=400)
        raw = request.body
        if not verify_signature(raw, sig, ts):
            return Response({"error": "bad signature"}, status=401)
        try:
            payload = json.loads(raw.decode("utf-8"))
        except Exception:
            return Response({"error": "invalid json"}, status=400)
        try:
            with transaction.atomic():
                evt = WebhookEvent.objects.create(
                    idempotency_key=idem,
                    event=payload.get("event", "unknown"),
                    payload=payload,
                    status="queued",
                )
        except IntegrityError:
            # Duplicate; already queued or processed
            return Response({"status": "duplicate"}, status=202)
        process_wp_event.delay(evt.id)
        return Response({"status": "accepted"}, status=202)
