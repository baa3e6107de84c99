"""Near-threshold clean households of the record rules: public-welfare posts, the helper, the
monitoring dates and group, industry income, schooling and policy awareness (see
planner.generate.near).

Each rule here reads how a record is written rather than an amount, so its near household is
the record an office meets that sits on the quiet side of the rule's boundary: a post handed over
the day after the last one ended, a household identified on the mechanism's first day, a month
after identification, a little operating income beside 产业帮扶, a measure of last year, a topic
that does not concern the household. The rows use :class:`~planner.generate.near_limits.Limit`
and :func:`~planner.generate.near_limits.at_limit`, like the limit table.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from planner.facts.dates import plus_months
from planner.generate.economy import record_income
from planner.generate.edits import Household, identify, in_scope, make_disabled
from planner.generate.household import BuildContext, ill_monitored_spending, measure_record
from planner.generate.inject_county import _monitoring_start, operating_to_wage
from planner.generate.inject_monitoring import (
    _monitored,
    drop_development_measures,
    sudden_hardship_without_spending,
)
from planner.generate.inject_risk import _registered
from planner.generate.inject_support import _monitored as _monitored_any
from planner.generate.inject_welfare import CAN_WORK, dated_post_holder
from planner.generate.near_limits import Limit, _member, at_limit
from planner.generate.problems import NotApplicable

ILL = ("chronic_illness", "serious_illness")
NOT_ENROLLED = ("not_student", "dropped_out")
COMPULSORY = ("primary", "junior_secondary")
INDUSTRY_ITEMS = ("种植业", "养殖业")
POST_NAMES = ("护林员", "保洁员", "护路员", "水管员")


def _post_with_months_only(household: Household, ctx: BuildContext,
                           rng: random.Random) -> None:
    number = dated_post_holder(household, rng, ctx)
    post = household["members"][number - 1]["public_welfare_posts"][0]
    start = date.fromisoformat(post.pop("start"))
    first = start.month if start.year == ctx.when.year else 1
    post["months"] = ctx.when.month - first + 1  # 公益性岗位(月数): months held this year


def _posts_one_after_another(household: Household, ctx: BuildContext,
                             rng: random.Random) -> None:
    number = dated_post_holder(household, rng, ctx)
    posts = household["members"][number - 1]["public_welfare_posts"]
    current = posts[0]
    end = date.fromisoformat(current["start"]) - timedelta(days=1)
    start = end - timedelta(days=rng.randint(180, 360))
    name = rng.choice([n for n in POST_NAMES if n != current.get("name")])
    posts.append({"name": name, "start": start.isoformat(), "end": end.isoformat(),
                  "monthly_pay": current.get("monthly_pay")})


def _ordinary_household_without_helper(household: Household, ctx: BuildContext,
                                       rng: random.Random) -> None:
    if household.get("status") != "general" or household.get("monitoring") is not None:
        raise NotApplicable("registered or monitored")
    household.pop("helper", None)


def _identified_on_the_first_day(household: Household, ctx: BuildContext,
                                 rng: random.Random) -> None:
    _monitored_any(household, ctx, rng)
    start = _monitoring_start(ctx)
    identify(household, ctx, start, start, rng)


def _sudden_hardship_with_a_small_fall(household: Household, ctx: BuildContext,
                                       rng: random.Random) -> None:
    sudden_hardship_without_spending(household, ctx, rng)
    # last year's per-capita income 0.5–2 % above this year's: a fall, far from
    # income.income_drop_share_max (30 %)
    record_income(household, ctx.when.year, -rng.uniform(0.005, 0.02))


def _identified_a_month_ago_without_development(household: Household, ctx: BuildContext,
                                                rng: random.Random) -> None:
    _monitored(household, ctx, rng)
    if not any(m["labour_capacity"] in CAN_WORK for m in _registered(household)):
        raise NotApplicable("nobody can work")
    months = int(ctx.values["support.development_measure_months_max"])
    day = plus_months(ctx.when, -months)
    while plus_months(day, months) < ctx.when:  # after a shorter month: 28 Feb is due 28 Mar
        day += timedelta(days=1)
    identify(household, ctx, day, day, rng)
    drop_development_measures(household)


def _home_taught_with_an_education_level(household: Household, ctx: BuildContext,
                                         rng: random.Random) -> None:
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    member = _member(household, ctx, rng, lambda m, age: m["schooling"] == "home_taught" or (
        m["schooling"] in COMPULSORY and m["health"] == "healthy"), "child at school")
    if member["schooling"] != "home_taught":
        # taught at home for an intellectual or multiple disability, as members.py records it
        make_disabled(member, rng.choice(("intellectual", "multiple")), rng.randint(1, 4))
        member["schooling"] = "home_taught"
        member.pop("grade", None)
        ill_monitored_spending(household)
    member["education"] = "illiterate"


def _unaware_of_a_policy_not_its_own(household: Household, ctx: BuildContext,
                                     rng: random.Random) -> None:
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    members = _registered(household)
    topics = [topic for topic, concerns in (
        ("health", any(m["health"] in ILL for m in members)),
        ("education", any(m["schooling"] not in NOT_ENROLLED for m in members)),
    ) if not concerns]
    if not topics:
        raise NotApplicable("both topics concern the household")
    household["policy_awareness"][rng.choice(topics)] = False


def _industry_listed_with_a_little_operating_income(household: Household, ctx: BuildContext,
                                                    rng: random.Random) -> None:
    operating_to_wage(household, ctx, keep=float(rng.randrange(100, 501, 50)))
    assistance = household.get("assistance") or {}
    assistance["industry"] = [rng.choice(INDUSTRY_ITEMS)]
    household["assistance"] = assistance


def _industry_measure_of_last_year(household: Household, ctx: BuildContext,
                                   rng: random.Random) -> None:
    if operating_to_wage(household, ctx):
        raise NotApplicable("a planting or livestock measure of this year")
    last = ctx.when.year - 1
    if not any(m["measure"] in ("planting_subsidy", "livestock_subsidy") and m.get("year") == last
               for m in household["measures"]):
        household["measures"].append(measure_record("planting_subsidy", ctx.when, rng, year=last))


ROWS = (
    Limit("PST002", "post_recorded_with_months_only",
          "A public-welfare post recorded with its name and 公益性岗位(月数) (the months held this "
          "year) but no start date, as the export's one column gives it: complete enough "
          "(PST002 must not fire; fuping 3_01_006).", _post_with_months_only),
    Limit("PST003", "posts_one_after_another",
          "A post holder's earlier post, of another name, ending the day before the current "
          "one started: one post at a time (PST003 must not fire; domain.md §6.2).",
          _posts_one_after_another),
    Limit("MON005", "identified_on_the_first_day",
          "A monitored household identified on monitoring.start itself (2020-03-20), the "
          "mechanism's first day, verified and assisted within the 15 days (MON005 must not "
          "fire; domain.md §1.2).", _identified_on_the_first_day, monitoring_era=True),
    Limit("MON008", "sudden_hardship_with_a_small_fall",
          "A healthy 突发严重困难户 after an accident with 合规自付支出 0 whose per-capita income "
          "fell 0.5–2 % on last year: a fall, however small, is the hardship the record shows "
          "(MON008 must not fire; domain.md §1.3).", _sudden_hardship_with_a_small_fall,
          after_registration=True),
    Limit("MON011", "identified_a_month_ago_without_development",
          "A monitored household with labour and no development measure, identified on the "
          "earliest day whose deadline, support.development_measure_months_max (1) month later "
          "(as planner.live.lifecycle counts it), is the reference date itself: due today, not "
          "yet overdue (MON011 must not fire; domain.md §6.3).",
          _identified_a_month_ago_without_development, monitoring_era=True),
    Limit("EDU005", "home_taught_with_an_education_level",
          "A child taught at home (送教上门, for an intellectual or multiple disability) whose "
          "文化程度 is recorded (文盲或半文盲): home "
          "teaching is not one of the school stages whose 文化程度 the export leaves blank "
          "(EDU005 must not fire; fuping 3_12_004).", _home_taught_with_an_education_level),
    Limit("POL001", "unaware_of_a_policy_not_its_own",
          "A registered or monitored household unaware of health policy with no ill member, or "
          "of education aid with no student: a topic that does not concern it (POL001 must not "
          "fire; domain.md §2).", _unaware_of_a_policy_not_its_own),
    Limit("IND001", "industry_listed_with_a_little_operating_income",
          "产业帮扶 listed for a household whose operating income is only 100–500 yuan, the "
          "rest of it earned as wages: some production income shows (IND001 must not fire; "
          "fuping 5_11_013).", _industry_listed_with_a_little_operating_income),
    Limit("IND002", "industry_measure_of_last_year",
          "A planting subsidy of last year and no operating income this year (earned as wages "
          "instead): a measure of another year need not show in this year's income (IND002 "
          "must not fire; domain.md §6.2).", _industry_measure_of_last_year),
    Limit("SUP001", "ordinary_household_without_helper",
          "An ordinary household (一般农户), never registered and not monitored, with no helper "
          "(帮扶责任人): helpers are assigned to registered and monitored households only "
          "(SUP001 must not fire; domain.md §4.1). Monitoring era only: the registration-era "
          "datasets hold ordinary households only when monitored.",
          _ordinary_household_without_helper, after_registration=True),
)

NEAR = tuple(at_limit(row) for row in ROWS)
