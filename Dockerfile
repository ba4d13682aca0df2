# 昆区家服 — production image (gunicorn web, Celery worker and beat share it).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: compilemessages. pango/pangoft2: WeasyPrint. harfbuzz-subset: fast font
# subsetting (without it Chinese PDFs are 10-50x slower). wqy-microhei: Chinese font,
# subset once at build time to var/fonts/kj-cjk.ttf by build_pdf_font (below).
# hanazono: the fallback for rare characters in names (CJK Extension A/B), cut to those
# blocks at build time too (var/fonts/kj-cjk-ext-a.ttf, kj-cjk-ext-b.ttf).
# postgresql-client: pg_dump/pg_restore for `manage.py backup` / `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-wqy-microhei \
        fonts-hanazono \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Build-time placeholders only: settings require these when DJANGO_DEBUG=false, and the
# static manifest is only written with the production storage. Never used at run time.
RUN export DJANGO_DEBUG=false \
        DJANGO_SECRET_KEY=docker-build-only-not-a-secret-docker-build-only-not-a-secret \
        PERSON_ID_KEYS=ZG9ja2VyLWJ1aWxkLW9ubHktbm90LWEtc2VjcmV0ISE= \
        PERSON_ID_HASH_KEY=docker-build-only \
        AUDIT_HMAC_KEY=docker-build-only \
    && python manage.py compilemessages \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && python manage.py build_pdf_font

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app

ENV DJANGO_DEBUG=false \
    MEDIA_ROOT=/app/var/media

VOLUME ["/app/var/media"]
EXPOSE 8000

CMD ["gunicorn", "kunqu_jiafu.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
