from celery import shared_task

from kunqu_jiafu.queue import RetryingTask

from .services.filings import filings_check
from .services.survey import survey_remind


@shared_task(base=RetryingTask)
def check_filings() -> dict[str, int]:
    """Nightly (celery beat): filings past their term lapse, those below the threshold are
    withdrawn with the figures; the agencies are notified."""
    return filings_check()


@shared_task(base=RetryingTask)
def remind_survey() -> int:
    """Daily (celery beat): while a statistical survey form is open, remind the agencies that
    have not filed, each at most once in SURVEY_REMINDER_INTERVAL_DAYS."""
    return survey_remind()
