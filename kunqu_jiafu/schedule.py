"""Celery beat's schedule (settings.CELERY_BEAT_SCHEDULE): the nightly and periodic tasks.
`make beat` runs them; without a broker nothing is scheduled (run the commands by hand)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "sweep-orphan-upload-files": {
        "task": "kunqu_jiafu.documents.tasks.sweep_orphan_upload_files",
        "schedule": 24 * 60 * 60,
    },
    "check-employee-system-filings": {
        "task": "agencies.tasks.check_filings",
        "schedule": 24 * 60 * 60,
    },
    "purge-expired-personal-data": {
        "task": "kunqu_jiafu.web.tasks.purge_expired_personal_data",
        "schedule": 24 * 60 * 60,
    },
    "verify-and-anchor-audit-log": {
        "task": "kunqu_jiafu.audit.tasks.verify_and_anchor_audit_log",
        "schedule": 60 * 60,
    },
    "sweep-unrendered-notices": {
        "task": "subsidies.tasks.sweep_unrendered_notices",
        "schedule": 10 * 60,
    },
    "sweep-unsent-notification-emails": {
        "task": "kunqu_jiafu.notifications.tasks.sweep_unsent_notification_emails",
        "schedule": 10 * 60,
    },
    "lapse-missed-rectifications": {
        "task": "inspections.tasks.lapse_rectifications",
        "schedule": 24 * 60 * 60,
    },
    "sweep-waiting-import-jobs": {
        "task": "kunqu_jiafu.imports.tasks.sweep_waiting_import_jobs",
        "schedule": 10 * 60,
    },
    "sweep-waiting-export-jobs": {
        "task": "kunqu_jiafu.exports.tasks.sweep_waiting_export_jobs",
        "schedule": 10 * 60,
    },
    "remind-statistical-survey": {
        "task": "agencies.tasks.remind_survey",
        "schedule": 24 * 60 * 60,
    },
    # The statistical reports: this year to the end of last month on the 1st of each month,
    # the whole year before on 1 January (reports/tasks.py), early in the morning.
    "monthly-statistical-report": {
        "task": "reports.tasks.scheduled_monthly_report",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
    "annual-statistical-report": {
        "task": "reports.tasks.scheduled_annual_report",
        "schedule": crontab(minute=0, hour=3, day_of_month=1, month_of_year=1),
    },
    "sweep-waiting-report-runs": {
        "task": "reports.tasks.sweep_waiting_report_runs",
        "schedule": 10 * 60,
    },
}
