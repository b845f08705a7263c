from django.apps import AppConfig


class SntPortalConfig(AppConfig):
    name = "snt_portal"
    verbose_name = "SNT Portal"

    def ready(self) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from snt_portal.otp import DEVICES

        DEVICES.watch(TOTPDevice)
