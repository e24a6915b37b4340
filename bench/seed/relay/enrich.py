# The seed's AI step filled in, for the like-for-like comparison (SEED_WORK=enrich): what the relay's enrichPost does
# for a post.published event, the seed's way. Fetch the post's current content from WordPress, ask the
# OpenAI-compatible server for a summary (JSON schema output, checked), write it back as the same post meta, and
# let the task mark the row done. Python's standard library only, so the pinned requirements stay the seed's own.
import base64
import json
import urllib.request

from django.conf import settings

# The post meta the wp-ai-relay plugin registers (show_in_rest) and the relay's worker writes.
SUMMARY_META = "ai_relay_summary"
SYSTEM_PROMPT = (
    "You write the summary shown under a WordPress post. Summarise the post in at most 60 words, in the language of "
    "the post, plain text, no markdown. Answer only with the JSON object of the given schema."
)
SUMMARY_SCHEMA = {
    "type": "object",
    "properties": {"summary": {"type": "string"}},
    "required": ["summary"],
    "additionalProperties": False,
}
# Below Celery's own limits, as the relay keeps each call below its activity's timeout.
TIMEOUT_SECONDS = 30


def _call(method, url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return json.loads(response.read())


def _wordpress(method, path, body=None):
    token = base64.b64encode(f"{settings.WP_USERNAME}:{settings.WP_APP_PASSWORD}".encode()).decode()
    return _call(method, f"{settings.WP_BASE_URL}/wp-json/{path}", body, {"Authorization": f"Basic {token}"})


def enrich_post(payload):
    post_id = int(payload["post_id"])
    post = _wordpress("GET", f"wp/v2/posts/{post_id}?context=edit")
    completion = _call(
        "POST",
        f"{settings.OPENAI_BASE_URL.rstrip('/')}/chat/completions",
        {
            "model": settings.OPENAI_MODEL,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": f"Title: {post['title']['raw']}\n\n{post['content']['raw']}"},
            ],
            "response_format": {"type": "json_schema", "json_schema": {"name": "post_summary", "strict": True, "schema": SUMMARY_SCHEMA}},
        },
        {"Authorization": f"Bearer {settings.OPENAI_API_KEY}"},
    )
    summary = json.loads(completion["choices"][0]["message"]["content"])["summary"]
    if not isinstance(summary, str) or not 0 < len(summary) <= 1200:
        raise ValueError("the LLM's summary is not a string of 1 to 1200 characters")
    _wordpress("POST", f"wp/v2/posts/{post_id}", {"meta": {SUMMARY_META: summary}})
