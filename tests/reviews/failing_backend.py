from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """An email backend whose server has gone away."""

    def send_messages(self, email_messages):
        raise ConnectionError("the mail server went away")
