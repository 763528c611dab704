"""The message catalogue: every word slactl's reports and mails show a customer, in
English and Russian (README "Monthly reports"). One table, no gettext toolchain:
a translator edits one dictionary, and a test checks both languages have every key.

``text(lang, key, **values)`` formats a message; month names, periods and durations
("1 h 25 min", "3 d 4 h") have functions of their own.
"""
from __future__ import annotations

import math
from datetime import date

LANGUAGES = ("en", "ru")

_EN: dict[str, str] = {
    "report_title": "SLA report",
    "subject_report": "SLA report: {customer}, {period}",
    "draft_marker": "[DRAFT for review]",
    "draft_note": "This is a draft for review. It has not been sent to the customer.",
    "customer": "Customer", "agreement": "Agreement", "services": "Services", "all_services": "all services", "all_customers": "all customers",
    "period": "Period", "timezone": "Time zone", "as_of": "As of", "agreement_period": "Agreement term",
    "provider_wide": "provider-wide agreement: only this customer's tickets are shown",
    "tickets": "Tickets", "tickets_in_period": "Tickets created in the period: {n}",
    "objectives_headline": "{met} of {total} objectives met",
    "no_objectives": "No ticket of this period could be judged yet",
    "overall_headline": "{customer}: {met} of {total} objectives met",
    "priority": "Priority", "metric": "Metric", "met": "Met", "breached": "Breached", "pending": "Open",
    "compliance": "Compliance", "target": "Target", "median": "Median", "p90": "90th percentile", "p90_short": "p90",
    "verdict": "Verdict", "actual": "Actual", "over_by": "Over by", "due": "Due", "ticket": "Ticket",
    "reason": "Reason", "elapsed": "Elapsed so far",
    "metric_first_response": "first response", "metric_resolution": "resolution",
    "verdict_met": "✔ met", "verdict_missed": "✘ missed", "verdict_no data": "– no data",
    "chart_compliance": "Compliance against target",
    "chart_compliance_alt": "Bar chart: compliance per priority and metric, with the target marked",
    "chart_trend": "Monthly compliance",
    "chart_trend_alt": "Line chart: compliance per month for first response and resolution, with the target line",
    "chart_distribution": "Resolution times of {priority} against the target ({target})",
    "chart_distribution_alt": "Histogram: resolved {priority} tickets by resolution time; bars beyond the target are breaches",
    "within_target": "within target", "beyond_target": "beyond target", "target_line": "target {pct}",
    "bucket_upto": "≤ {to}", "bucket_over": "> {from_}", "no_data_month": "no data",
    "list_breached": "Breached tickets", "list_at_risk": "Open tickets at risk",
    "list_uncovered": "Tickets not covered by an agreement", "list_no_rule": "Priorities with no rule",
    "list_excluded": "Tickets left out by agreement",
    "list_more": "… and {n} more", "none": "none",
    "reason_expired": "agreement expired", "reason_planned": "agreement not yet in force",
    "reason_suspended": "agreement suspended", "reason_terminated": "agreement terminated",
    "reason_service not covered": "service not covered", "reason_no agreement": "no agreement",
    "reason_ambiguous": "more than one agreement applies",
    "no_rule_line": "{n} ticket(s) with priority “{priority}”, which no rule covers",
    "no_sections": "No tickets of this customer in the period.",
    "footer": "Figures as of {as_of}. Durations are counted in the agreement's service hours.",
    "mail_greeting": "Hello,",
    "mail_report_lead": "here is the service level report of {customer} for {period}.",
    "mail_signature": "Your service team",
    "mail_report_attached": "The report follows; an HTML version is included for mail clients that show it.",
    "day_short": "d", "hour_short": "h", "minute_short": "min",
    "quarter": "Q{q} {year}",
    "notice_subject_expiry": "{customer}: your service agreement {agreement} ends {when} ({end})",
    "notice_subject_activation": "{customer}: your service agreement {agreement} is now active ({start} to {end})",
    "notice_subject_expired": "{customer}: your service agreement {agreement} ended on {end}",
    "notice_subject_renewed": "{customer}: agreement {agreement} ends {end}, renewed by {successor}",
    "notice_when_today": "today", "notice_when_days": "in {days}",
    "notice_lead_expiry": ("The service level agreement {agreement} for {customer} ends on {end}, {days} "
                           "from {as_of}. Please contact your account manager about its renewal."),
    "notice_lead_expiry_renewed": ("The service level agreement {agreement} for {customer} ends on {end}; "
                                   "it has been renewed by {successor} from {successor_start}."),
    "notice_lead_expiry_draft": ("The service level agreement {agreement} for {customer} ends on {end}, {days} "
                                 "from {as_of}. The draft renewal {successor} awaits signature."),
    "notice_lead_activation": "The service level agreement {agreement} for {customer} is in force since {start}.",
    "notice_lead_expired": ("The service level agreement {agreement} for {customer} ended on {end}; its service "
                            "levels no longer apply."),
    "notice_levels": "Agreed service levels",
    "notice_level_line": "{priority}: first response within {first_response}, resolution within {resolution}",
    "notice_level_none": "not set",
    "fact_policy": "Policy", "fact_own_rules": "(own rules)", "fact_days_left": "Days left",
    "fact_manager": "Account manager", "fact_renewal": "Renewal", "fact_compliance_target": "Compliance target",
    "fact_period_value": "{start} to {end} (inclusive)",
    "second_short": "s",
    "calls_title": "Phone support", "calls_queue": "Queue", "calls_offered": "Offered", "calls_answered": "Answered",
    "calls_abandoned": "Abandoned", "calls_asa": "Average speed of answer", "calls_abandonment": "Abandonment",
    "calls_service_level": "Service level", "calls_so_far": "{window} (so far)",
    "calls_target_within": "target {pct} within {within}", "calls_max": "at most {value}",
    "calls_note": ("Service level = calls answered within the time ÷ offered calls. Offered = answered + abandoned; "
                   "calls offered outside the service hours and callers who hung up within the first seconds "
                   "are not counted."),
}

_RU: dict[str, str] = {
    "report_title": "Отчёт об уровне сервиса",
    "subject_report": "Отчёт SLA: {customer}, {period}",
    "draft_marker": "[ЧЕРНОВИК на проверку]",
    "draft_note": "Это черновик на проверку. Клиенту он не отправлялся.",
    "customer": "Клиент", "agreement": "Соглашение", "services": "Услуги", "all_services": "все услуги", "all_customers": "все клиенты",
    "period": "Период", "timezone": "Часовой пояс", "as_of": "По состоянию на", "agreement_period": "Срок соглашения",
    "provider_wide": "общее соглашение поставщика: показаны только заявки этого клиента",
    "tickets": "Заявки", "tickets_in_period": "Заявок, созданных за период: {n}",
    "objectives_headline": "Выполнено целей: {met} из {total}",
    "no_objectives": "Ни одну заявку этого периода пока нельзя оценить",
    "overall_headline": "{customer}: выполнено целей {met} из {total}",
    "priority": "Приоритет", "metric": "Показатель", "met": "В срок", "breached": "Нарушено", "pending": "Открыто",
    "compliance": "Соблюдение", "target": "Цель", "median": "Медиана", "p90": "90-й перцентиль", "p90_short": "p90",
    "verdict": "Итог", "actual": "Фактически", "over_by": "Превышение", "due": "Срок", "ticket": "Заявка",
    "reason": "Причина", "elapsed": "Прошло",
    "metric_first_response": "первый ответ", "metric_resolution": "решение",
    "verdict_met": "✔ выполнено", "verdict_missed": "✘ не выполнено", "verdict_no data": "– нет данных",
    "chart_compliance": "Соблюдение в сравнении с целью",
    "chart_compliance_alt": "Столбчатая диаграмма: соблюдение по приоритетам и показателям, цель отмечена",
    "chart_trend": "Соблюдение по месяцам",
    "chart_trend_alt": "Линейный график: соблюдение по месяцам для первого ответа и решения, с линией цели",
    "chart_distribution": "Время решения заявок {priority} в сравнении с целью ({target})",
    "chart_distribution_alt": "Гистограмма: решённые заявки {priority} по времени решения; столбцы за целью — нарушения",
    "within_target": "в пределах цели", "beyond_target": "сверх цели", "target_line": "цель {pct}",
    "bucket_upto": "≤ {to}", "bucket_over": "> {from_}", "no_data_month": "нет данных",
    "list_breached": "Заявки с нарушением", "list_at_risk": "Открытые заявки под угрозой нарушения",
    "list_uncovered": "Заявки вне соглашений", "list_no_rule": "Приоритеты без правила",
    "list_excluded": "Заявки, исключённые по договорённости",
    "list_more": "… и ещё {n}", "none": "нет",
    "reason_expired": "срок соглашения истёк", "reason_planned": "соглашение ещё не действует",
    "reason_suspended": "соглашение приостановлено", "reason_terminated": "соглашение расторгнуто",
    "reason_service not covered": "услуга не входит в соглашение", "reason_no agreement": "нет соглашения",
    "reason_ambiguous": "применимо несколько соглашений",
    "no_rule_line": "Заявок с приоритетом «{priority}», для которого нет правила: {n}",
    "no_sections": "У этого клиента нет заявок за период.",
    "footer": "Данные на {as_of}. Длительности считаются в часах обслуживания по соглашению.",
    "mail_greeting": "Здравствуйте!",
    "mail_report_lead": "Направляем отчёт об уровне сервиса для {customer} за {period}.",
    "mail_signature": "Ваша служба поддержки",
    "mail_report_attached": "Отчёт ниже; HTML-версия приложена для почтовых программ, которые её показывают.",
    "day_short": "д", "hour_short": "ч", "minute_short": "мин",
    "quarter": "{q}-й квартал {year}",
    "notice_subject_expiry": "{customer}: соглашение об уровне сервиса {agreement} истекает {when} ({end})",
    "notice_subject_activation": "{customer}: соглашение об уровне сервиса {agreement} вступило в силу ({start} — {end})",
    "notice_subject_expired": "{customer}: срок соглашения об уровне сервиса {agreement} истёк {end}",
    "notice_subject_renewed": "{customer}: соглашение {agreement} истекает {end}, продлено соглашением {successor}",
    "notice_when_today": "сегодня", "notice_when_days": "через {days}",
    "notice_lead_expiry": ("Соглашение об уровне сервиса {agreement} для {customer} истекает {end} (через {days} "
                           "после {as_of}). Пожалуйста, обратитесь к вашему менеджеру по поводу продления."),
    "notice_lead_expiry_renewed": ("Соглашение об уровне сервиса {agreement} для {customer} истекает {end}; "
                                   "оно продлено соглашением {successor} с {successor_start}."),
    "notice_lead_expiry_draft": ("Соглашение об уровне сервиса {agreement} для {customer} истекает {end} (через "
                                 "{days} после {as_of}). Черновик продления {successor} ожидает подписания."),
    "notice_lead_activation": "Соглашение об уровне сервиса {agreement} для {customer} действует с {start}.",
    "notice_lead_expired": ("Срок соглашения об уровне сервиса {agreement} для {customer} истёк {end}; его уровни "
                            "сервиса больше не действуют."),
    "notice_levels": "Согласованные уровни сервиса",
    "notice_level_line": "{priority}: первый ответ в течение {first_response}, решение в течение {resolution}",
    "notice_level_none": "не задано",
    "fact_policy": "Политика", "fact_own_rules": "(собственные правила)", "fact_days_left": "Осталось дней",
    "fact_manager": "Менеджер", "fact_renewal": "Продление", "fact_compliance_target": "Целевое соблюдение",
    "fact_period_value": "с {start} по {end} включительно",
    "second_short": "с",
    "calls_title": "Телефонная поддержка", "calls_queue": "Очередь", "calls_offered": "Поступило",
    "calls_answered": "Принято", "calls_abandoned": "Потеряно", "calls_asa": "Среднее время ответа",
    "calls_abandonment": "Доля потерянных", "calls_service_level": "Уровень сервиса",
    "calls_so_far": "{window} (на текущий момент)",
    "calls_target_within": "цель {pct} за {within}", "calls_max": "не более {value}",
    "calls_note": ("Уровень сервиса = вызовы, принятые в пределах нормы ÷ поступившие вызовы. Поступило = принято + "
                   "потеряно; вызовы вне часов обслуживания и звонящие, положившие трубку в первые секунды, "
                   "не учитываются."),
}

CATALOGUE: dict[str, dict[str, str]] = {"en": _EN, "ru": _RU}

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    # nominative: "ноябрь 2026" stands alone in headings and subjects
    "ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
           "ноябрь", "декабрь"),
}
_MONTHS_SHORT = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ru": ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"),
}
_MONTHS_GENITIVE_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                       "октября", "ноября", "декабря")


def check_language(lang: str) -> str:
    """``lang`` normalised (``RU`` -> ``ru``); ValueError naming the known ones otherwise."""
    code = (lang or "").strip().lower()
    if code not in CATALOGUE:
        raise ValueError(f"language '{lang}' is not available; choose one of: {', '.join(LANGUAGES)}")
    return code


def text(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when the language lacks it), with ``values`` filled in."""
    template = CATALOGUE.get(lang, _EN).get(key) or _EN[key]
    return template.format(**values) if values else template


def month_name(lang: str, month: int, *, short: bool = False) -> str:
    return (_MONTHS_SHORT if short else _MONTHS).get(lang, _MONTHS["en"])[month - 1]


def day_text(lang: str, day: date) -> str:
    """``30 November 2026`` / ``30 ноября 2026``."""
    if lang == "ru":
        return f"{day.day} {_MONTHS_GENITIVE_RU[day.month - 1]} {day.year}"
    return f"{day.day} {month_name(lang, day.month)} {day.year}"


def period_text(lang: str, kind: str, first: date, last: date) -> str:
    """A period in words: ``November 2026``, ``Q4 2026``, ``2026``, ``5 November 2026``,
    ``1 October 2026 – 31 December 2026``."""
    if kind == "month":
        return f"{month_name(lang, first.month)} {first.year}"
    if kind == "quarter":
        return text(lang, "quarter", q=(first.month - 1) // 3 + 1, year=first.year)
    if kind == "year":
        return str(first.year)
    if first == last:
        return day_text(lang, first)
    return f"{day_text(lang, first)} – {day_text(lang, last)}"


def month_label(lang: str, label: str) -> str:
    """``2026-11`` -> ``Nov 2026`` / ``ноя 2026`` (chart axes)."""
    year, month = label.split("-")
    return f"{month_name(lang, int(month), short=True)} {year}"


def duration(lang: str, minutes: float | None) -> str:
    """Minutes in words: ``45 min``, ``1 h 25 min``, ``3 d 4 h`` (a day is 24 h of the clock)."""
    if minutes is None:
        return "–"
    d_, h_, m_ = text(lang, "day_short"), text(lang, "hour_short"), text(lang, "minute_short")
    total = int(round(minutes))
    if total < 60:
        return f"{total} {m_}" if total or minutes == 0 else f"< 1 {m_}"
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} {d_} {hours} {h_}" if hours else f"{days} {d_}"
    return f"{hours} {h_} {mins} {m_}" if mins else f"{hours} {h_}"


def days_text(lang: str, n: int) -> str:
    """``1 day``, ``39 days``; ``1 день``, ``3 дня``, ``39 дней``."""
    if lang == "ru":
        tail, tens = n % 10, n % 100
        word = "день" if tail == 1 and tens != 11 else "дня" if 2 <= tail <= 4 and not 12 <= tens <= 14 else "дней"
        return f"{n} {word}"
    return f"{n} day" if n == 1 else f"{n} days"


def percent(lang: str, value: float | None) -> str:
    """``97.5 %`` (one decimal, a decimal comma in Russian); ``–`` when there is nothing to show."""
    if value is None:
        return "–"
    value = math.floor(value * 10 + 1e-9) / 10  # 99.96 shows 99.9, never a rounded-up 100
    shown = f"{value:.1f}".removesuffix(".0")
    return (shown.replace(".", ",") if lang == "ru" else shown) + " %"
