"""Pure rules of the subsidy catalogue: calculators and eligibility.

A calculator takes the declared figures and the type's parameters and returns the eligible
amount (Decimal yuan, 2 places, ROUND_HALF_UP) with a readable trace in Chinese. Eligibility
takes plain facts about the agency and returns the reasons it may NOT claim (empty = may).
Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
# Claim amounts are stored with 14 digits, 2 after the point; anything larger is a typo.
MAX_AMOUNT = Decimal("999999999.99")
MAX_COUNT = 100_000


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> str:
    return f"{money(value):,.2f} 元"


def percent(value: Decimal) -> str:
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}%".replace(
        ".00%", "%"
    )


@dataclass(frozen=True)
class Field:
    """A figure the agency declares for a calculator."""

    name: str
    label: str
    kind: str  # "money", "count", "text"; "line" (one required line), "date", "percent"
    help: str = ""


@dataclass
class Calculation:
    amount: Decimal
    trace: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # reasons nothing is payable


class DeclaredError(ValueError):
    """A declared figure is missing or malformed: {field name: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _number(declared: Mapping, spec: Field) -> Decimal | int:
    raw = declared.get(spec.name)
    if raw in (None, ""):
        raise DeclaredError({spec.name: f"请填写“{spec.label}”。"})
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        raise DeclaredError({spec.name: f"“{spec.label}”须为数字。"}) from None
    if not value.is_finite():  # "NaN", "Infinity": Decimal parses them, comparisons raise
        raise DeclaredError({spec.name: f"“{spec.label}”须为数字。"})
    if value < 0:
        raise DeclaredError({spec.name: f"“{spec.label}”不能为负数。"})
    if spec.kind == "count":
        if value > MAX_COUNT:
            raise DeclaredError({spec.name: f"“{spec.label}”过大，请核对。"})
        if value != value.to_integral_value():
            raise DeclaredError({spec.name: f"“{spec.label}”须为整数。"})
        return int(value)
    if value > MAX_AMOUNT:
        raise DeclaredError({spec.name: f"“{spec.label}”金额过大，请核对。"})
    if value != value.quantize(CENT):
        raise DeclaredError({spec.name: f"“{spec.label}”最多保留两位小数。"})
    return value


LINE_MAX_LENGTH = 60
# A yearly interest rate above this is refused as a typo (a rate typed as 385 for 3.85): a
# bureau setting of the interest calculator (``max_annual_rate``, 0.24 = 24%), this by default.
MAX_ANNUAL_RATE = Decimal("0.24")


def _line(declared: Mapping, spec: Field) -> str:
    value = str(declared.get(spec.name) or "").strip()
    if not value:
        raise DeclaredError({spec.name: f"请填写“{spec.label}”。"})
    if len(value) > LINE_MAX_LENGTH:
        raise DeclaredError({spec.name: f"“{spec.label}”最多 {LINE_MAX_LENGTH} 个字符。"})
    return value


def _date(declared: Mapping, spec: Field) -> dt.date:
    raw = declared.get(spec.name)
    if raw in (None, ""):
        raise DeclaredError({spec.name: f"请填写“{spec.label}”。"})
    try:
        return dt.date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        raise DeclaredError(
            {spec.name: f"“{spec.label}”须为日期，写作 2026-03-15 的形式。"}
        ) from None


def _percent(declared: Mapping, spec: Field, ceiling: Decimal = MAX_ANNUAL_RATE) -> Decimal:
    raw = declared.get(spec.name)
    if raw in (None, ""):
        raise DeclaredError({spec.name: f"请填写“{spec.label}”。"})
    try:
        value = Decimal(str(raw).replace("%", "").replace("％", "").strip())
    except InvalidOperation:
        raise DeclaredError({spec.name: f"“{spec.label}”须为数字（百分数，如 3.85）。"}) from None
    if not value.is_finite():
        raise DeclaredError({spec.name: f"“{spec.label}”须为数字（百分数，如 3.85）。"})
    if value <= 0:
        raise DeclaredError({spec.name: f"“{spec.label}”须大于 0。"})
    limit = (ceiling * 100).normalize()
    if value > limit:
        raise DeclaredError(
            {
                spec.name: f"“{spec.label}”为 {value}%，超过 {limit:f}%，请核对"
                "（按百分数填写，如年利率 3.85% 填 3.85）。"
            }
        )
    if value != value.quantize(Decimal("0.0001")):
        raise DeclaredError({spec.name: f"“{spec.label}”最多保留四位小数。"})
    return value


_READERS = {"line": _line, "date": _date, "percent": _percent}


def read_declared(fields: tuple[Field, ...], declared: Mapping) -> dict:
    """Parse every declared figure, collecting all errors at once."""
    values, errors = {}, {}
    for spec in fields:
        try:
            if spec.kind == "text":
                values[spec.name] = str(declared.get(spec.name, "")).strip()
            elif spec.kind in _READERS:
                values[spec.name] = _READERS[spec.kind](declared, spec)
            else:
                values[spec.name] = _number(declared, spec)
        except DeclaredError as exc:
            errors.update(exc.errors)
    if errors:
        raise DeclaredError(errors)
    return values


def _param(params: Mapping, name: str, default=None) -> Decimal | None:
    raw = params.get(name, default)
    return None if raw in (None, "") else Decimal(str(raw))


def _cap(amount: Decimal, params: Mapping, trace: list[str]) -> Decimal:
    cap = _param(params, "cap")
    if cap is not None and amount > cap:
        trace.append(f"超过单项上限 {yuan(cap)}，按上限计 {yuan(cap)}")
        return money(cap)
    return amount


# --- calculators ---------------------------------------------------------------------


def period_dates(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a claim period: 2026, 2026H1, 2026Q3 or 2026-03."""
    period = period.strip().upper()
    year = int(period[:4])
    if len(period) == 4:
        first, last = 1, 12
    elif period[4] == "H":
        first = 1 if period[5] == "1" else 7
        last = first + 5
    elif period[4] == "Q":
        first = (int(period[5]) - 1) * 3 + 1
        last = first + 2
    else:
        first = last = int(period[5:7])
    end = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end


# 创业担保贷款贴息: the loan is recorded, and the subsidy never exceeds the interest the loan
# can have cost over the days of the claim period it ran (principal × rate × days ÷ 365).
INTEREST_FIELDS = (
    Field("lender", "贷款银行（经办金融机构）", "line"),
    Field("contract_number", "借款合同编号", "line"),
    Field("loan_amount", "创业担保贷款本金（元）", "money"),
    Field("annual_rate", "贷款年利率（%）", "percent", "按借款合同填写百分数，如 3.85"),
    Field("loan_start", "贷款起始日", "date", "借款合同约定的放款日"),
    Field("loan_end", "贷款到期日", "date"),
    Field("interest_paid", "本期实际支付利息（元）", "money", "以银行利息回单为准"),
)


def read_loan(declared: Mapping, params: Mapping | None = None) -> dict:
    """The loan's figures, with the checks that involve more than one figure; the rate is
    checked against the type's ``max_annual_rate``."""
    ceiling = _param(params or {}, "max_annual_rate", MAX_ANNUAL_RATE)
    v, errors = {}, {}
    for spec in INTEREST_FIELDS:  # one by one, so the checks below run on what did parse
        try:
            if spec.kind == "percent":
                v[spec.name] = _percent(declared, spec, ceiling)
            else:
                v.update(read_declared((spec,), declared))
        except DeclaredError as exc:
            errors.update(exc.errors)
    if "loan_amount" in v and v["loan_amount"] <= 0:
        errors["loan_amount"] = "“创业担保贷款本金（元）”须大于 0。"
    if "loan_start" in v and "loan_end" in v and v["loan_end"] < v["loan_start"]:
        errors["loan_end"] = "“贷款到期日”不能早于“贷款起始日”，请按借款合同核对。"
    if errors:
        raise DeclaredError(errors)
    return v


def interest(
    declared: Mapping, params: Mapping, period: tuple[dt.date, dt.date] | None = None
) -> Calculation:
    v = read_loan(declared, params)
    rate = _param(params, "rate", "1")
    paid = v["interest_paid"]
    trace = [
        f"贷款：{v['lender']}，合同 {v['contract_number']}，本金 {yuan(v['loan_amount'])}，"
        f"年利率 {v['annual_rate']}%，{v['loan_start']} 至 {v['loan_end']}"
    ]
    if period is None:
        raise DeclaredError({"loan_start": "未指定申报期间，无法计算计息天数。"})
    start, end = max(v["loan_start"], period[0]), min(v["loan_end"], period[1])
    days = (end - start).days + 1 if end >= start else 0
    if days == 0:
        trace.append(f"申报期间 {period[0]} 至 {period[1]} 与贷款期限无重叠，计息 0 天")
        return Calculation(
            money(0), trace, [f"贷款期限与申报期间 {period[0]} 至 {period[1]} 无重叠"]
        )
    ceiling = money(v["loan_amount"] * v["annual_rate"] / 100 * days / 365)
    trace.append(
        f"申报期间内计息 {days} 天（{start} 至 {end}）；利息上限 = 本金 {yuan(v['loan_amount'])} × "
        f"年利率 {v['annual_rate']}% × {days} 天 ÷ 365 = {yuan(ceiling)}"
    )
    base = paid
    if paid > ceiling:
        trace.append(f"实际支付利息 {yuan(paid)} 高于利息上限，按上限 {yuan(ceiling)} 计")
        base = ceiling
    else:
        trace.append(f"实际支付利息 {yuan(paid)}，未超过利息上限")
    amount = money(base * rate)
    trace.append(f"{yuan(base)} × 贴息比例 {percent(rate)} = {yuan(amount)}")
    return Calculation(_cap(amount, params, trace), trace)


AWARD_FIELDS = (
    Field("requested_amount", "申请奖补金额（元）", "money"),
    Field("basis", "申请依据（认定文件、考评结果等）", "text"),
)


def capped_award(declared: Mapping, params: Mapping) -> Calculation:
    v = read_declared(AWARD_FIELDS, declared)
    requested = money(v["requested_amount"])
    trace = [f"申请金额 {yuan(requested)}"]
    amount = _cap(requested, params, trace)
    if amount == requested:
        trace.append(f"未超过上限 {yuan(_param(params, 'cap', '0'))}，按申请金额计 {yuan(amount)}")
    return Calculation(amount, trace)


PER_HEAD_FIELDS = (
    Field("count", "人数（次数）", "count"),
    Field("unit_amount", "每人（次）标准（元）", "money", "不超过政策标准"),
)


def per_head(declared: Mapping, params: Mapping) -> Calculation:
    v = read_declared(PER_HEAD_FIELDS, declared)
    standard = _param(params, "unit_amount")
    unit = v["unit_amount"]
    trace = []
    if standard is not None and unit > standard:
        trace.append(f"申报标准 {yuan(unit)} 高于政策标准 {yuan(standard)}，按政策标准计")
        unit = standard
    amount = money(unit * v["count"])
    trace.append(f"{v['count']} 人（次）× {yuan(unit)} = {yuan(amount)}")
    return Calculation(_cap(amount, params, trace), trace)


# Training and certification subsidies take their figures from the provider's records: the
# service lists the claimed enrolments (or certificates) grouped by course in
# ``declared["courses"]`` ([{"course": name, "count": n, "standard": "1500.00" or ""}]) and
# their number in ``declared["count"]``; the agency declares nothing by hand.
RECORD_COUNT = Field("count", "人数（按所列培训记录）", "count")


def per_enrolment(declared: Mapping, params: Mapping) -> Calculation:
    """Per course: the course's standard per head (or the type's, when the course has none for
    this subsidy), never above the type's ``unit_amount``; summed over the courses."""
    count = read_declared((RECORD_COUNT,), declared)["count"]
    ceiling = _param(params, "unit_amount")
    groups = declared.get("courses") or []
    if not isinstance(groups, list) or sum(int(g.get("count", 0)) for g in groups) != count:
        raise DeclaredError({"count": "人数与所列培训记录不一致，请重新保存名单。"})
    trace: list[str] = []
    total = Decimal("0")
    for group in groups:
        heads = int(group["count"])
        raw = group.get("standard")
        unit = Decimal(str(raw)) if raw not in (None, "") else (ceiling or Decimal("0"))
        note = ""
        if ceiling is not None and unit > ceiling:
            note = f"（课程标准 {yuan(unit)} 高于政策标准，按 {yuan(ceiling)} 计）"
            unit = ceiling
        subtotal = money(unit * heads)
        total += subtotal
        trace.append(f"{group['course']}：{heads} 人 × {yuan(unit)} = {yuan(subtotal)}{note}")
    amount = money(total)
    trace.append(f"合计 {count} 人，{yuan(amount)}")
    return Calculation(_cap(amount, params, trace), trace)


COST_PER_HEAD_FIELDS = (
    Field("count", "体检人数", "count"),
    Field("actual_cost", "实际支付体检费用（元）", "money"),
)


def cost_per_head(declared: Mapping, params: Mapping) -> Calculation:
    """Actual cost, but no more than the standard per person checked."""
    v = read_declared(COST_PER_HEAD_FIELDS, declared)
    standard = _param(params, "unit_amount", "0")
    ceiling = money(standard * v["count"])
    cost = money(v["actual_cost"])
    amount = min(cost, ceiling)
    trace = [
        f"标准上限 {v['count']} 人 × {yuan(standard)} = {yuan(ceiling)}",
        f"实际费用 {yuan(cost)}，取两者较小者 {yuan(amount)}",
    ]
    return Calculation(_cap(amount, params, trace), trace)


UNIT_FIELDS = (Field("count", "减免户次（服务订单数）", "count"),)


def fixed_per_unit(declared: Mapping, params: Mapping) -> Calculation:
    v = read_declared(UNIT_FIELDS, declared)
    unit = _param(params, "unit_amount", "0")
    amount = money(unit * v["count"])
    trace = [f"{v['count']} 户次 × {yuan(unit)} = {yuan(amount)}"]
    return Calculation(_cap(amount, params, trace), trace)


# 居民家庭服务费用减免: the count is that of the exemptions listed on the claim (each a household,
# a day and a covered service, checked by subsidies.exemptions); the agency types no figure.
EXEMPTION_COUNT = Field("count", "减免户次（按所列减免记录）", "count")


def per_exemption(declared: Mapping, params: Mapping) -> Calculation:
    """The unit amount (50 元, "给予居民家庭50元服务费用减免") per valid exemption listed."""
    count = read_declared((EXEMPTION_COUNT,), declared)["count"]
    unit = _param(params, "unit_amount", "0")
    amount = money(unit * count)
    trace = [f"{count} 户次 × {yuan(unit)} = {yuan(amount)}"]
    return Calculation(_cap(amount, params, trace), trace)


RATE_FIELDS = (Field("base_amount", "已缴纳金额（元）", "money"),)


def rate_of_amount(declared: Mapping, params: Mapping) -> Calculation:
    v = read_declared(RATE_FIELDS, declared)
    rate = _param(params, "rate", "1")
    label = params.get("base_label", "已缴纳金额")
    amount = money(v["base_amount"] * rate)
    trace = [f"{label} {yuan(v['base_amount'])} × 补贴比例 {percent(rate)} = {yuan(amount)}"]
    return Calculation(_cap(amount, params, trace), trace)


UI_REFUND_FIELDS = (
    Field("premiums_last_year", "上年度实际缴纳失业保险费（单位及职工，元）", "money"),
    Field("insured_end_last_year", "上年末参保职工人数", "count"),
    Field("insured_end_this_year", "本年末（申请时）参保职工人数", "count"),
)


def layoff_rate(insured_last: int, insured_now: int) -> Decimal:
    """(insured at the end of last year − insured now) ÷ insured at the end of last year."""
    if insured_last <= 0:
        return Decimal("0")
    return max(Decimal("0"), Decimal(insured_last - insured_now) / Decimal(insured_last))


def ui_refund(declared: Mapping, params: Mapping) -> Calculation:
    v = read_declared(UI_REFUND_FIELDS, declared)
    last, now = v["insured_end_last_year"], v["insured_end_this_year"]
    if last <= 0:
        return Calculation(
            money(0),
            [f"上年末参保职工人数为 {last} 人，无法计算裁员率，不予返还"],
            ["上年末参保职工人数须大于 0"],
        )
    small_max = int(params.get("small_enterprise_max_insured", 30))
    # The policy's figures stand in when the bureau left a limit empty.
    limit = (
        _param(params, "small_max_layoff_rate", "0.20")
        if last <= small_max
        else _param(params, "max_layoff_rate", "0.055")
    )
    rate = layoff_rate(last, now)
    shown = percent(rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    trace = [
        f"裁员率 =（{last} − {now}）÷ {last} = {shown}",
        (
            f"上年末参保 {last} 人，不超过 {small_max} 人，裁员率上限 {percent(limit)}"
            if last <= small_max
            else f"上年末参保 {last} 人，超过 {small_max} 人，裁员率上限 {percent(limit)}"
        ),
    ]
    if rate > limit:
        trace.append("裁员率超过上限，不予返还")
        return Calculation(money(0), trace, [f"裁员率 {shown} 超过上限 {percent(limit)}"])
    refund_rate = _param(params, "rate", "1")
    amount = money(v["premiums_last_year"] * refund_rate)
    trace.append(
        f"上年度失业保险费 {yuan(v['premiums_last_year'])} × 返还比例 {percent(refund_rate)} = {yuan(amount)}"
    )
    return Calculation(_cap(amount, params, trace), trace)


# 社会保险补贴: "对备案的员工制家庭服务企业吸纳就业困难人员或高校毕业生就业并缴纳社会保险费的".
# The claim lists worker-months with the employer contribution actually paid; the service
# checks each against the records (insured_month_problems) and puts the accepted ones in
# ``declared["rows"]`` ([{"person_id", "name", "month": "2026-07", "paid": "856.40"}]).
# More than this for one worker and month is refused as a typo: a bureau setting of the
# calculator (``max_monthly_contribution``), this by default.
MAX_MONTHLY_CONTRIBUTION = Decimal("20000")


@dataclass(frozen=True)
class InsuredMonth:
    """What the records say about one worker in one claimed month."""

    month: dt.date  # first day of the month
    hard_to_employ: bool
    graduate: bool
    graduated_on: dt.date | None
    hired_on: dt.date | None  # None: not a worker of the agency
    left_on: dt.date | None
    insured: bool
    insured_since: dt.date | None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def month_end(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1) - dt.timedelta(days=1)


def insured_month_problems(fact: InsuredMonth, graduate_years: int) -> list[str]:
    """Why this worker-month may NOT be subsidised (empty = it may). A graduate counts while
    the month begins no later than the graduate_years-th anniversary of graduation."""
    reasons = []
    last = month_end(fact.month)
    if fact.hired_on is None:
        return ["不是本机构登记的从业人员"]
    if fact.hired_on > last:
        reasons.append(f"该月尚未入职本机构（入职日期 {fact.hired_on}）")
    if fact.left_on is not None and fact.left_on < fact.month:
        reasons.append(f"该月前已离职（离职日期 {fact.left_on}）")
    if not fact.insured or fact.insured_since is None or fact.insured_since > last:
        reasons.append("人员信息显示该月未由本机构缴纳社会保险")
    if not fact.hard_to_employ:
        if not fact.graduate:
            reasons.append("人员信息未登记为就业困难人员或高校毕业生")
        elif fact.graduated_on is None:
            reasons.append("高校毕业生未登记毕业日期，无法确认是否在毕业后规定年限内")
        elif fact.month > _add_years(fact.graduated_on, graduate_years):
            reasons.append(f"毕业日期 {fact.graduated_on}，该月已超过毕业后 {graduate_years} 年")
    return reasons


def insured_months(declared: Mapping, params: Mapping) -> Calculation:
    """The employer contributions actually paid for the accepted worker-months, summed."""
    rows = declared.get("rows")
    if not isinstance(rows, list) or not rows:
        raise DeclaredError({"rows": "请逐行列出人员、月份及单位实际缴纳的社会保险费。"})
    trace, total = [], Decimal("0")
    for row in rows:
        paid = money(Decimal(str(row["paid"])))
        total += paid
        trace.append(f"{row['name']} {row['month']}：单位实际缴纳 {yuan(paid)}")
    amount = money(total)
    trace.append(f"合计 {len(rows)} 人月，{yuan(amount)}")
    return Calculation(_cap(amount, params, trace), trace)


@dataclass(frozen=True)
class Calculator:
    fields: tuple[Field, ...]
    compute: Callable[..., Calculation]
    takes_period: bool = False  # compute(declared, params, (first day, last day))
    # Parses the declared figures with checks across figures and against the type's
    # parameters: read(declared, params); default read_declared(fields).
    read: Callable[[Mapping, Mapping], dict] | None = None


def read_figures(calculator: str, declared: Mapping, params: Mapping | None = None) -> dict:
    """The calculator's figures parsed, every error at once (forms call this too)."""
    spec = CALCULATORS[calculator]
    return spec.read(declared, params or {}) if spec.read else read_declared(spec.fields, declared)


CALCULATORS: dict[str, Calculator] = {
    "interest": Calculator(INTEREST_FIELDS, interest, takes_period=True, read=read_loan),
    "capped_award": Calculator(AWARD_FIELDS, capped_award),
    "per_head": Calculator(PER_HEAD_FIELDS, per_head),
    "per_enrolment": Calculator((), per_enrolment),
    "cost_per_head": Calculator(COST_PER_HEAD_FIELDS, cost_per_head),
    "fixed_per_unit": Calculator(UNIT_FIELDS, fixed_per_unit),
    "per_exemption": Calculator((), per_exemption),
    "rate_of_amount": Calculator(RATE_FIELDS, rate_of_amount),
    "ui_refund": Calculator(UI_REFUND_FIELDS, ui_refund),
    "insured_months": Calculator((), insured_months),
}


def calculate(
    calculator: str, declared: Mapping, params: Mapping, period: str | None = None
) -> Calculation:
    spec = CALCULATORS[calculator]
    first = spec.fields[0] if spec.fields else RECORD_COUNT
    if not isinstance(declared, Mapping):
        raise DeclaredError({first.name: f"请填写“{first.label}”。"})
    if spec.takes_period:
        result = spec.compute(declared, params, period_dates(period) if period else None)
    else:
        result = spec.compute(declared, params)
    if result.amount > MAX_AMOUNT:
        # Each figure may be plausible while their product is not (count × unit).
        raise DeclaredError(
            {
                f.name: f"按所填数字计算的金额 {yuan(result.amount)} 过大，请核对“{f.label}”。"
                for f in (spec.fields or (RECORD_COUNT,))
                if f.kind != "text"
            }
        )
    return result


# The parameters each calculator reads: name -> (kind, required). Kinds: "money" (yuan,
# 2 places), "rate" (0 to 1, 1 = 100%), "count" (whole number), "text". Any type may also
# carry "subject_kind" (what its claims subsidise at most once; services check it).
PARAMETERS: dict[str, dict[str, tuple[str, bool]]] = {
    # max_annual_rate: a loan rate above it is refused as a typo (the plan gives no figure).
    "interest": {
        "rate": ("rate", False),
        "cap": ("money", False),
        "max_annual_rate": ("rate", False),
    },
    "capped_award": {"cap": ("money", True)},
    "per_head": {"unit_amount": ("money", False), "cap": ("money", False)},
    "per_enrolment": {"unit_amount": ("money", False), "cap": ("money", False)},
    "cost_per_head": {"unit_amount": ("money", True), "cap": ("money", False)},
    "fixed_per_unit": {"unit_amount": ("money", True), "cap": ("money", False)},
    "per_exemption": {
        "unit_amount": ("money", True),
        "per_household_per_year": ("count", False),
        "cap": ("money", False),
    },
    "rate_of_amount": {
        "rate": ("rate", False),
        "cap": ("money", False),
        "base_label": ("text", False),
    },
    "ui_refund": {
        "rate": ("rate", False),
        "cap": ("money", False),
        "max_layoff_rate": ("rate", True),
        "small_max_layoff_rate": ("rate", True),
        "small_enterprise_max_insured": ("count", True),
    },
    # graduate_years: a graduate counts for this many years after graduation (the plan gives
    # no figure: a bureau setting).
    # max_monthly_contribution: more for one worker and month is refused as a typo.
    "insured_months": {
        "graduate_years": ("count", True),
        "cap": ("money", False),
        "max_monthly_contribution": ("money", False),
    },
}


# --- eligibility ----------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyFacts:
    registered: bool
    suspended: bool
    filed_employee_system: bool
    inspection_passed: bool
    rating_excellent: bool
    recognitions: frozenset[str]  # kinds valid in the claim year
    recognitions_granted_this_year: frozenset[str]
    # The inspection found 基本合格, which the year's award settings do not count as 合格.
    inspection_basic_only: bool = False
    # large/medium/small/micro (agencies.selectors.agency_enterprise_size); None: not recorded
    enterprise_size: str | None = None


# The plan's 奖补 "对考评合格的家庭服务社区中心（站）": a centre and a station are two awards.
CENTRE_KINDS = frozenset({"centre"})
STATION_KINDS = frozenset({"station"})
MARKET_KINDS = frozenset({"market"})
# 品牌称号 the plan names: 自治区家庭服务知名品牌 ("培育一批自治区家庭服务知名品牌"),
# 包头市特色家政服务品牌, 自治区"百户十强" and 领跑者企业 (codes as in
# fixtures/agencies_recognition_kinds.json).
BRAND_KINDS = frozenset({"regional_brand", "city_brand", "top_hundred", "frontrunner"})


def _registered(f: AgencyFacts) -> list[str]:
    if f.suspended:
        return ["机构已被暂停，暂停期间不能申领补贴"]
    if not f.registered:
        return ["机构尚未登记（或已注销），不能申领补贴"]
    return []


def _filed(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.filed_employee_system:
        reasons.append("本项仅限已备案的员工制家政企业，请先完成员工制家政企业备案")
    return reasons


def _inspection(f: AgencyFacts) -> list[str]:
    if f.inspection_passed:
        return []
    if f.inspection_basic_only:
        return ["本年度年检复核结果为基本合格，按本年度奖补设置不视为考评合格"]
    return ["须通过本年度年检复核"]


def _centre(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.recognitions & CENTRE_KINDS:
        reasons.append("须为已认定（且未被撤销）的社区家庭服务中心")
    return reasons + _inspection(f)


def _station(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.recognitions & STATION_KINDS:
        reasons.append("须为已认定（且未被撤销）的社区家庭服务站")
    return reasons + _inspection(f)


def _market(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.recognitions & MARKET_KINDS:
        reasons.append("须为已认定（且未被撤销）的家庭服务专业市场")
    return reasons + _inspection(f)


def _excellent(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.rating_excellent:
        reasons.append("须在本年度业绩考评中评为优秀")
    return reasons


def _brand(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.recognitions_granted_this_year & BRAND_KINDS:
        reasons.append(
            "须在本年度获得品牌称号（自治区家庭服务知名品牌、包头市特色家政服务品牌、"
            "自治区“百户十强”或“领跑者”企业）"
        )
    return reasons


SMALL_MEDIUM_MICRO = frozenset({"medium", "small", "micro"})


def _small_medium_micro(f: AgencyFacts) -> list[str]:
    """援企稳岗: "对全区不裁员或少裁员的中小微家服企业"."""
    reasons = _registered(f)
    if f.enterprise_size is None:
        reasons.append("请先在机构信息中登记企业规模（从业人员数和营业收入）")
    elif f.enterprise_size not in SMALL_MEDIUM_MICRO:
        reasons.append("本项仅限中型、小型、微型企业，本机构登记的企业规模为大型，不能申领")
    return reasons


ELIGIBILITY: dict[str, Callable[[AgencyFacts], list[str]]] = {
    "registered": _registered,
    "filed_employee_system": _filed,
    "recognised_centre_passed": _centre,
    "recognised_station_passed": _station,
    "recognised_market_passed": _market,
    "rated_excellent": _excellent,
    "brand_this_year": _brand,
    "small_medium_micro": _small_medium_micro,
}


def eligibility_problems(rule: str, facts: AgencyFacts) -> list[str]:
    return ELIGIBILITY[rule](facts)


# --- awards: the year's settings (subsidies.models.AwardPolicy) --------------------------

# The eligibility rules of the plan's awards "不超过10万元".
AWARD_RULES = frozenset(
    {
        "recognised_centre_passed",
        "recognised_station_passed",
        "recognised_market_passed",
        "rated_excellent",
        "brand_this_year",
    }
)


@dataclass(frozen=True)
class AwardSettings:
    one_award_a_year: bool = False  # default: one award of each kind a year
    yearly_total: Decimal | None = None  # default: no total
    basic_pass_counts: bool = False


@dataclass(frozen=True)
class AwardsGranted:
    """The agency's other awards of the policy year that were approved (or paid)."""

    names: tuple[str, ...] = ()
    total: Decimal = Decimal("0.00")


def award_limit_problems(
    settings: AwardSettings, granted: AwardsGranted, amount: Decimal
) -> list[str]:
    """Why one more award of ``amount`` may not go to the agency this year (empty = may).
    One award of each kind is held by the claim rule (one live claim per type and year)."""
    problems = []
    if settings.one_award_a_year and granted.names:
        problems.append(
            "按本年度奖补设置，每个机构每年只能获得一项奖补，本年度已获得："
            + "、".join(granted.names)
        )
    if settings.yearly_total is not None and granted.total + amount > settings.yearly_total:
        left = max(Decimal("0.00"), settings.yearly_total - granted.total)
        problems.append(
            f"按本年度奖补设置，每个机构每年奖补合计不超过 {yuan(settings.yearly_total)}；"
            f"本年度已获 {yuan(granted.total)}，尚可获得 {yuan(left)}，本申请 {yuan(amount)} 超出"
        )
    return problems
