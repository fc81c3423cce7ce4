"""The made-up business behind ``crmkpi sample``: its vocabularies and rates.

Every probability tuple sums to 1 and lines up with the vocabulary above it.
Rates are per customer and per month of active life unless said otherwise.
"""

from __future__ import annotations

# Segments drive amounts, sales cycles, churn and support load.
SMB, MID_MARKET, ENTERPRISE = 0, 1, 2
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
SEGMENT_P = (0.62, 0.28, 0.10)
MONTHLY_CHURN = (0.026, 0.016, 0.009)  # hazard; about 2.1 % on the mix
# Deal value of a new customer: (median, lowest, highest).
AMOUNT_BAND = (
    (2_400.0, 1_000.0, 5_000.0),
    (12_000.0, 5_000.0, 30_000.0),
    (65_000.0, 30_000.0, 200_000.0),
)
FIRST_CYCLE_DAYS = (12.0, 32.0, 65.0)  # median days from deal created to won
MAX_CYCLE_DAYS = 180
EXPANSION_RATE = (0.014, 0.035, 0.065)  # upsell and cross-sell deals per month
TICKET_RATE = (0.22, 0.40, 0.85)
SURVEY_RATE = 0.045

REGIONS = ("EMEA", "North America", "APAC", "LATAM")
REGION_P = (0.34, 0.41, 0.15, 0.10)
# Company-name suffixes, four per region (in REGIONS order).
SUFFIXES = (
    ("GmbH", "Ltd", "SA", "BV"),
    ("Inc", "LLC", "Corp", "Inc"),
    ("Pty Ltd", "Pte Ltd", "KK", "Ltd"),
    ("SA", "Ltda", "SRL", "SA de CV"),
)
NAME_FIRST = (
    "Acme", "Alder", "Apex", "Arbor", "Atlas", "Aurora", "Beacon", "Birch", "Blue",
    "Bright", "Canyon", "Cedar", "Cobalt", "Coral", "Crest", "Delta", "Ember", "Evergreen",
    "Falcon", "Fjord", "Golden", "Granite", "Harbor", "Horizon", "Iron", "Juniper",
    "Keystone", "Lakeside", "Lumen", "Maple", "Meridian", "Nimbus", "North", "Oak",
    "Orbit", "Pioneer", "Quartz", "Redwood", "River", "Sable", "Silver", "Summit",
    "Terra", "Tidal", "Vertex", "Willow",
)  # fmt: skip
NAME_SECOND = (
    "Analytics", "Bakery", "Biotech", "Builders", "Capital", "Clinics", "Consulting",
    "Dental", "Design", "Dynamics", "Energy", "Engineering", "Foods", "Freight",
    "Health", "Hotels", "Industries", "Insurance", "Labs", "Legal", "Logistics",
    "Manufacturing", "Media", "Motors", "Networks", "Outfitters", "Partners",
    "Pharma", "Properties", "Retail", "Robotics", "Software", "Solar", "Studios",
    "Supply", "Systems", "Textiles", "Travel", "Ventures", "Wholesale",
)  # fmt: skip

# One vocabulary for customers.channel, leads.source and spend.channel.
CHANNELS = ("Organic", "Paid search", "Referral", "Events", "Partner", "Outbound")
CHANNEL_P = (0.24, 0.25, 0.12, 0.10, 0.13, 0.16)  # of customers
PROSPECT_SOURCE_P = (0.22, 0.34, 0.05, 0.12, 0.09, 0.18)  # of leads that do not convert
CHANNEL_CHURN = (1.0, 1.25, 0.7, 0.95, 0.9, 1.1)  # multiplies the segment hazard

SALES_REPS = ("Alice Moreau", "Ben Carter", "Chen Wei", "Diego Ramos", "Emma Schulz", "Farah Khan")
SALES_REP_P = (0.21, 0.19, 0.17, 0.16, 0.15, 0.12)
AGENTS = ("Grace Lee", "Hugo Petit", "Ines Silva", "Jonas Berg", "Kofi Mensah")
AGENT_P = (0.24, 0.22, 0.20, 0.19, 0.15)

# Sales activity per calendar month (January first): Q4 busy, August quiet.
SEASON = (0.92, 0.97, 1.06, 1.0, 1.01, 0.97, 0.86, 0.68, 1.04, 1.12, 1.22, 1.15)
WEEKEND_ACTIVITY = 0.15
GROWTH_OVER_HISTORY = 3.0  # the last month is this much busier than the first
HISTORY_MONTHS = 36

# Leads.
LEAD_STATUSES = ("open", "qualified", "converted", "lost")
L_OPEN, L_QUALIFIED, L_CONVERTED, L_LOST = 0, 1, 2, 3
PROSPECTS_PER_CUSTOMER = 2
PROSPECT_DEAL_P = 0.3  # a lead that does not convert reaches a new-business deal
# Status of a lead without a deal, by age: under 14 days, under 60 days, older.
PROSPECT_AGE_DAYS = (14, 60)
PROSPECT_STATUS_P = (
    (0.70, 0.20, 0.0, 0.10),
    (0.30, 0.25, 0.0, 0.45),
    (0.04, 0.04, 0.0, 0.92),
)

# Deals.
DEAL_STATUSES = ("open", "won", "lost")
D_OPEN, D_WON, D_LOST = 0, 1, 2
DEAL_TYPES = ("new", "upsell", "cross_sell", "renewal")
T_NEW, T_UPSELL, T_CROSS_SELL, T_RENEWAL = 0, 1, 2, 3
PIPELINES = ("New business", "Expansion", "Renewals")
PRODUCTS = ("CRM Suite", "Helpdesk", "Analytics", "Automation", "Premium Support")
NEW_PRODUCT_P = (0.72, 0.28, 0.0, 0.0, 0.0)
CROSS_SELL_PRODUCT_P = (0.0, 0.0, 0.4, 0.35, 0.25)
UPSELL_SHARE = 0.6  # of expansion deals; the rest are cross-sells
WIN_P = {T_UPSELL: 0.62, T_CROSS_SELL: 0.45}
MISSING_AMOUNT_P = 0.05  # of open and lost deals

# Stages: the open ones in order, then the two closing ones.
STAGES = ("Prospecting", "Qualified", "Proposal", "Negotiation", "Closed Won", "Closed Lost")
CLOSED_WON_STAGE, CLOSED_LOST_STAGE = 4, 5
STAGE_TIME = (1.0, 1.3, 2.2, 1.6)  # relative time spent in each open stage
START_STAGE = (0, 1, 0, 2)  # by deal type: upsells start qualified, renewals at a proposal
LOST_REACH_P = (0.35, 0.3, 0.2, 0.15)  # last open stage a lost deal reached
WON_FROM_PROPOSAL_P = 0.15  # won deals closed without a Negotiation stage
SKIP_STAGE_P = (0.15, 0.5)  # an intermediate stage left out: deals over, under QUICK_DEAL_DAYS
QUICK_DEAL_DAYS = 21
REENTER_P = 0.06  # deals that step back one stage and come forward again

# Tickets.
TICKET_STATUSES = ("open", "pending", "solved")
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_P = (0.25, 0.5, 0.18, 0.07)
RESPONSE_MEDIAN_HOURS = (9.0, 4.5, 2.0, 0.8)
RESPONSE_SIGMA = 1.1
UNANSWERED_P = 0.03
RESOLUTION_MEDIAN_HOURS = 20.0
RESOLUTION_SIGMA = 1.3
NEVER_RESOLVED_P = 0.02
TICKET_CHANNELS = ("email", "chat", "phone", "web")
TICKET_CHANNEL_P = (0.45, 0.25, 0.15, 0.15)
CSAT_P = 0.4  # of resolved tickets
CSAT_SCORE_P = ((0.03, 0.04, 0.10, 0.33, 0.50), (0.12, 0.13, 0.25, 0.30, 0.20))  # fast, slow

# Surveys: scores 0..10, for customers who stay and for those leaving within CHURN_SOON_DAYS.
NPS_P = (
    (0.01, 0.005, 0.01, 0.015, 0.02, 0.04, 0.06, 0.11, 0.18, 0.25, 0.30),
    (0.06, 0.04, 0.06, 0.08, 0.10, 0.13, 0.13, 0.13, 0.11, 0.08, 0.08),
)
CHURN_SOON_DAYS = 120

# Spend: paid channels, their kind and cost per customer they bring.
SPEND_CHANNELS = ("Paid search", "Events", "Partner", "Outbound")
SPEND_KIND = ("marketing", "marketing", "marketing", "sales")
SPEND_PER_CUSTOMER = (2_600.0, 5_800.0, 1_900.0, 4_800.0)
EVENT_MONTHS = (3, 6, 10)  # conference season: Events spend doubles
