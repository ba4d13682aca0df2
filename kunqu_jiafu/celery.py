import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunqu_jiafu.settings")

app = Celery("kunqu_jiafu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
