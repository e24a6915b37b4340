# The seed's "Signature Utility", as written (typographic quotes and dashes turned back into Python).
import hashlib
import hmac
import time

from django.conf import settings


def verify_signature(raw_body: bytes, header_sig: str, header_ts: str) -> bool:
    try:
        ts = int(header_ts)
    except Exception:
        return False
    if abs(int(time.time()) - ts) > 300:
        return False
    base = f"{header_ts}.{raw_body.decode('utf-8')}"
    expected = hmac.new(
        settings.WP_RELAY_SECRET.encode(),
        base.encode(),
        hashlib.sha256,
    ).hexdigest()
    return hmac.compare_digest(expected, header_sig)
