# The seed's "Celery Task (AI workflow)", as written: the AI step is the seed's own placeholder (`pass`), so a run
# costs what the seed's design itself costs: two status updates around it. With SEED_WORK=enrich the placeholder
# does what the relay's enrichPost does (relay/enrich.py), for the whole-loop comparison; nothing else changes.
from celery import shared_task
from django.conf import settings
from django.db import transaction

from .enrich import enrich_post
from .models import WebhookEvent


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def process_wp_event(self, event_id: int):
    evt = WebhookEvent.objects.get(pk=event_id)
    with transaction.atomic():
        evt.status = "processing"
        evt.save()
    try:
        if evt.event == "post.published":
            # Example: call LLM to generate SEO summary; push to WP via REST API.
            # External calls should have timeouts and circuit breakers.
            if settings.SEED_WORK == "enrich":
                enrich_post(evt.payload)
        else:
            pass
        with transaction.atomic():
            evt.status = "done"
            evt.save()
    except Exception as e:
        with transaction.atomic():
            evt.status = "error"
            evt.error = str(e)[:2000]
            evt.save()
        raise
