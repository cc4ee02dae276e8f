"""DEFAULT_EXCEPTION_REPORTER. Loaded while logging is configured (before the apps), so the
site's modules are imported only when a report is made."""

from django.core.exceptions import SuspiciousOperation
from django.views.debug import ExceptionReporter


class SitePageExceptionReporter(ExceptionReporter):
    """With DEBUG on Django answers a crash (and a SuspiciousOperation, with 400) with this
    reporter's page: the site's page, not the traceback, which goes to the console log as always.
    Mails to admins (is_email) keep the full report; TECHNICAL_ERROR_PAGES brings Django's page back."""

    def get_traceback_html(self):
        from core import error_responses

        if self.is_email or error_responses.technical_pages_shown():
            return super().get_traceback_html()
        if isinstance(self.exc_value, SuspiciousOperation):
            return error_responses.request_error_page_body(self.request, self.exc_value)
        return error_responses.server_error_body(self.request)

    def get_traceback_text(self):
        from core import error_responses

        if self.is_email or error_responses.technical_pages_shown():
            return super().get_traceback_text()
        return "Something went wrong on our side."
