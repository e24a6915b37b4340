# The seed's "Configuration Checklist (Django)" made concrete. Everything comes from the environment the benchmark
# sets (bench/seed-stack.ts); nothing here is a default a deployment should keep.
import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# "WP_RELAY_SECRET from environment variable."
WP_RELAY_SECRET = os.environ["WP_RELAY_SECRET"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",  # DRF's request.user (AnonymousUser) imports it
    "rest_framework",
    "relay",
]
# An API-only project: no sessions, no CSRF (the seed: "CSRF exempt for this endpoint"), no body-altering middleware
# before the signature check.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "seedsite.urls"
WSGI_APPLICATION = "seedsite.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ["SEED_PG_HOST"],
        "PORT": os.environ["SEED_PG_PORT"],
        "NAME": os.environ["SEED_PG_DATABASE"],
        "USER": os.environ["SEED_PG_USER"],
        "PASSWORD": os.environ.get("SEED_PG_PASSWORD", ""),
        # Persistent connections, as any production Django behind gunicorn runs: a new PostgreSQL connection per
        # request would charge the seed for a setting nobody deploys.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"

# "Size limits: reject payloads > 256 KB for this use case."
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}

# What the task's AI step does: `pass` (the seed as written) or `enrich` (relay/enrich.py: the relay's enrichPost
# work, against the WordPress and OpenAI-compatible server below).
SEED_WORK = os.environ.get("SEED_WORK", "pass")
WP_BASE_URL = os.environ.get("WP_BASE_URL", "")
WP_USERNAME = os.environ.get("WP_USERNAME", "")
WP_APP_PASSWORD = os.environ.get("WP_APP_PASSWORD", "")
OPENAI_BASE_URL = os.environ.get("OPENAI_BASE_URL", "")
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")
OPENAI_MODEL = os.environ.get("OPENAI_MODEL", "")

CELERY_BROKER_URL = os.environ["SEED_REDIS_URL"]
CELERY_TASK_IGNORE_RESULT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
