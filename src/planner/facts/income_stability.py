"""The declared facts of income stability: full labour, policy income and the band near the line.

Weak labour (弱劳动力或半劳动力) can do light work (a public-welfare post, a workshop) but is not
counted as labour capacity where a rule asks whether a household could live on earned income: the
county checker counts labour as 普通 and 技能劳动力 only (domain.md §4.3: fuping 5_18_008, 5_11_029,
"有劳动能力（普+技）"). Policy income is the public part of transfer income (domain.md §3), listed
by ``income.policy_transfer_subtypes``: support from relatives and remittances are transfers but
no policy ends them. "Near the line" is below ``income.near_line_ratio`` times the line of the
income year (the poverty line to 2020, the monitoring range after: domain.md §1.2). Rigid
expenditure is large (刚性支出较大, domain.md §1.3) when it takes a larger share of net income than
a sharp fall of income does (``income.income_drop_share_max``): both mark a 突发严重困难户.
"""

from __future__ import annotations

from planner.facts.declare import Fact

INCOME_MEMBER_FACTS = (
    Fact("full_labour", "bool", "", "有完全劳动能力", "full labour",
         "Labour capacity normal or skilled (普通、技能劳动力); weak or half labour, none or lost "
         "is not full labour; unknown when not recorded.",
         "record.labour_capacity in {LabourCapacity.NORMAL, LabourCapacity.SKILLED}"),
)

INCOME_HOUSEHOLD_FACTS = (
    Fact("members_full_labour", "integer", "count", "完全劳动力人数", "members with full labour",
         "Members counted: full_labour.", "count(members, full_labour)"),
    Fact("any_full_labour", "bool", "", "有完全劳动力", "any member has full labour",
         "A member has full labour (normal or skilled); unknown when none has and one's "
         "capacity is unknown.",
         "True if members_full_labour else (None if labour_unknown else False)"),
    Fact("policy_income", "number", "yuan/yr", "政策性收入", "policy income",
         "Income of the income year whose subtype is one of income.policy_transfer_subtypes "
         "(a source with no subtype is not counted).",
         'income_of_subtypes(record.income, income_year, param("income.policy_transfer_subtypes"))'
         " if income_known else None"),
    Fact("policy_income_share", "number", "share 0–1", "政策性收入占比", "policy income share",
         "Policy income over gross income.", "policy_income / gross_income"),
    Fact("income_line", "number", "yuan/person/yr", "收入年度标准线", "line of the income year",
         "The poverty line of the income year, else (from 2021) its monitoring range.",
         "coalesce(poverty_line, monitoring_threshold)"),
    Fact("near_line_limit", "number", "yuan/person/yr", "临界收入上限", "near-the-line limit",
         "income.near_line_ratio times the line of the income year.",
         'income_line * param("income.near_line_ratio")'),
    Fact("rigid_expenditure_share", "number", "share", "合规自付支出占纯收入比",
         "rigid expenditure share",
         "合规自付支出 (rigid medical expenditure) over net income.",
         "record.compliant_out_of_pocket / net_income"),
    Fact("income_near_line", "bool", "", "收入处于临界", "income near the line",
         "Per-capita net income below the near-the-line limit.",
         "per_capita_net_income < near_line_limit"),
)
