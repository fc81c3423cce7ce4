# ruff: noqa: RUF001 - Persian words are the subject here
"""The sample business in Persian: Didar's headers and the words an Iranian team uses.

``crmkpi sample --calendar jalali`` writes the same rows as the Gregorian
sample, relabelled with these. Every map is built with ``zip(..., strict=True)``
against ``_vocab``, so a vocabulary that grows without its Persian words fails
at import rather than writing an English word into a Persian file.

Headers of the Didar files are the didar preset's main header of each column
(``crmkpi presets didar``), except two spelled as real exports vary them: a
ZWNJ in ``دسته‌بندی`` and an Arabic ``ي`` in ``وضعيت``. Headers and status
words must stay ones the preset reads: ``tests/unit/test_sample_jalali.py``
checks both against the preset.
"""

from __future__ import annotations

from crmkpi.canonical import SPEND_KINDS
from crmkpi.sample import _vocab as v

Words = dict[str, str]


def _words(english: tuple[str, ...], persian: tuple[str, ...]) -> Words:
    return dict(zip(english, persian, strict=True))


DIDAR_FILES: dict[str, str] = {
    "customers": "مشتریان.csv",
    "deals": "معاملات.csv",
    "tickets": "تیکت‌ها.csv",
}
"""Tables Didar exports, and the file names its patterns find (``*مشتری*`` …).
The other tables keep their canonical file name and headers (``leads.csv``)."""

HEADERS: dict[str, Words] = {
    "customers": {
        "customer_id": "کد",  # the code: an attribute (customers are keyed by name)
        "created_at": "تاریخ ایجاد",
        "churned_at": "تاریخ ریزش",
        "name": "نام مشتری",
        "segment": "دسته\u200cبندی",
        "region": "شهر",
        "channel": "شیوه آشنایی",
        "owner": "مسئول",
    },
    "deals": {
        "deal_id": "شناسه",
        "created_at": "تاریخ ایجاد",
        "status": "وضعیت معامله",
        "closed_at": "تاریخ انجام معامله",
        "amount": "مبلغ",
        "customer_id": "نام مشتری",  # the customer's name: the key (see _persian._keyed_by_name)
        "lead_id": "شناسه سرنخ",
        "stage": "مرحله کاریز",
        "type": "نوع معامله",
        "owner": "مسئول معامله",
        "pipeline": "کاریز",
        "product": "محصول",
    },
    "tickets": {
        "ticket_id": "شماره تیکت",
        "created_at": "تاریخ ایجاد",
        "first_response_at": "تاریخ اولین پاسخ",
        "resolved_at": "تاریخ بسته شدن",
        "customer_id": "نام مشتری",
        "status": "وضعيت",  # Arabic ي, as some keyboards write it
        "priority": "اولویت",
        "channel": "کانال",
        "agent": "کارشناس",
        "csat": "رضایت",
    },
}

CHANNELS = _words(
    v.CHANNELS, ("وب‌سایت", "تبلیغات کلیکی", "معرفی", "نمایشگاه", "نمایندگی", "تماس تلفنی")
)
SALES_REPS = _words(
    v.SALES_REPS,
    ("مریم احمدی", "بهرام کریمی", "سارا محمدی", "داوود رضایی", "الهام حسینی", "فرهاد خانی"),
)
AGENTS = _words(
    v.AGENTS, ("زهرا لطفی", "حمید پاکزاد", "نسرین سلیمانی", "جواد بهرامی", "کاوه منصوری")
)
STAGES = _words(
    v.STAGES,
    ("شناسایی", "نیازسنجی", "ارسال پیش‌فاکتور", "مذاکره", "بسته‌شده موفق", "بسته‌شده ناموفق"),
)
DEAL_STATUSES = _words(v.DEAL_STATUSES, ("جاری", "موفق", "ناموفق"))
"""The didar preset's ``values.status`` words (EXPORTS.md §8)."""
DEAL_TYPES = _words(v.DEAL_TYPES, ("جدید", "ارتقا", "فروش مکمل", "تمدید"))
"""The didar preset's ``values.type`` words."""
LEAD_STATUSES = _words(v.LEAD_STATUSES, ("جدید", "واجد شرایط", "تبدیل‌شده", "از دست رفته"))
"""Read back through the written config's ``sources.leads.values.status``."""
SPEND_KINDS_FA = _words(SPEND_KINDS, ("بازاریابی", "فروش"))
"""Read back through the written config's ``sources.spend.values.kind``."""

WORDS: dict[str, dict[str, Words]] = {
    "customers": {
        "segment": _words(v.SEGMENTS, ("کسب‌وکار کوچک", "شرکت متوسط", "سازمانی")),
        "region": _words(v.REGIONS, ("تهران", "اصفهان", "مشهد", "شیراز")),
        "channel": CHANNELS,
        "owner": SALES_REPS,
    },
    "leads": {"status": LEAD_STATUSES, "source": CHANNELS, "owner": SALES_REPS},
    "deals": {
        "status": DEAL_STATUSES,
        "stage": STAGES,
        "type": DEAL_TYPES,
        "owner": SALES_REPS,
        "pipeline": _words(v.PIPELINES, ("فروش جدید", "توسعه مشتریان", "تمدید قرارداد")),
        "product": _words(
            v.PRODUCTS,
            ("نرم‌افزار CRM", "میز خدمت", "داشبورد تحلیلی", "اتوماسیون فرایند", "پشتیبانی ویژه"),
        ),
    },
    "tickets": {
        "status": _words(v.TICKET_STATUSES, ("باز", "در انتظار", "حل‌شده")),
        "priority": _words(v.PRIORITIES, ("کم", "معمولی", "زیاد", "فوری")),
        "channel": _words(v.TICKET_CHANNELS, ("ایمیل", "گفتگوی آنلاین", "تلفن", "وب‌سایت")),
        "agent": AGENTS,
    },
    "spend": {"channel": CHANNELS, "kind": SPEND_KINDS_FA},
    "deal_stages": {"stage": STAGES},
}
"""Per table and column, each English sample word to its Persian one. Columns
not listed (ids, company names) are written as generated."""
