"""Emails to an account's holder about their own account, in Thai (the language of the office that reads them)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from core.thai import format_be_date


def _person(account) -> str:
    official = getattr(account, "official", None)
    return official.full_name if official is not None else (account.get_full_name() or account.username)


def second_factor_reset_notify(*, account, actor, reason: str) -> None:
    """Tell the holder their second factor was reset, by whom and why: a reset they did not ask for is a warning."""
    body = (
        f"เรียน {_person(account)}\n\n"
        f"การยืนยันตัวตนสองขั้นตอนของบัญชี {account.username} ในระบบ rightsadmin ถูกรีเซ็ตเมื่อ "
        f"{format_be_date(timezone.localdate())} โดย {_person(actor)} ({actor.username})\n"
        f"เหตุผล: {reason}\n\n"
        "เมื่อเข้าสู่ระบบครั้งต่อไป ท่านต้องลงทะเบียนแอปยืนยันตัวตนในโทรศัพท์ใหม่ และรหัสสำรองชุดเดิมใช้ไม่ได้อีก\n"
        "หากท่านไม่ได้ขอให้รีเซ็ต กรุณาแจ้งผู้ตรวจสอบสิทธิ์ของหน่วยงานหรือสำนักการสอบสวนและนิติการ กรมการปกครอง ทันที\n"
    )
    send_mail("[rightsadmin] รีเซ็ตการยืนยันตัวตนสองขั้นตอนของบัญชีท่าน", body, settings.DEFAULT_FROM_EMAIL,
              [account.email], fail_silently=False)
