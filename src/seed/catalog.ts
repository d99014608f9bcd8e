/**
 * The vocabulary of the generated world: niches, channels, plans and the words names and
 * content are made of. Each `effect` shifts a customer's latent success propensity (a logit),
 * so that the analytics built on this data have real patterns to find: some niches, channels
 * and plans do better than others, and the generator says by how much.
 */

export interface NicheSpec {
  name: string;
  /** Share of customers. */
  weight: number;
  effect: number;
  /** Word appended to company names, so a company's niche shows in its name. */
  companyWord: readonly string[];
  audience: string;
  /** The metric a case study in this niche reports, and whether success raises or cuts it. */
  metric: string;
  metricDirection: "raised" | "cut";
  useCases: readonly (readonly [title: string, body: string])[];
  painPoints: readonly (readonly [title: string, body: string])[];
}

export const NICHES: readonly NicheSpec[] = [
  {
    name: "saas",
    weight: 0.16,
    effect: 0.45,
    companyWord: ["Software", "Cloud", "Labs", "Apps"],
    audience: "SaaS teams",
    metric: "trial-to-paid conversion",
    metricDirection: "raised",
    useCases: [
      ["Onboard trial users in days, not weeks", "Guide every trial account to its first success moment with in-app checklists and usage alerts."],
      ["See which accounts are ready to expand", "Seat usage and feature adoption show which customers will say yes to a bigger plan."],
      ["Turn power users into referrers", "Invite your most active users to share a referral link at the moment they get value."],
    ],
    painPoints: [
      ["Churn you only notice at renewal", "Falling logins and unanswered tickets warn months before a cancellation email."],
      ["Trials that never activate", "Most trial accounts never reach the feature that makes them stay."],
      ["Support load that grows with every release", "Each new feature brings the same questions to your support queue."],
    ],
  },
  {
    name: "e-commerce",
    weight: 0.14,
    effect: 0.25,
    companyWord: ["Commerce", "Shop", "Goods", "Supply"],
    audience: "online stores",
    metric: "repeat purchases",
    metricDirection: "raised",
    useCases: [
      ["Recover abandoned carts automatically", "Follow up on abandoned carts with reminders timed to each shopper's habits."],
      ["Handle seasonal peaks without hiring", "Self-service order tracking absorbs the questions that flood in at peak season."],
      ["Reward your best buyers", "Find repeat buyers and give them a reason to bring their friends."],
    ],
    painPoints: [
      ["Returns eating your margin", "Unclear product information turns into returns and support tickets."],
      ["Customers who buy once and vanish", "Acquisition costs only pay off when first-time buyers come back."],
      ["Support queues at Black Friday", "Peak season doubles the tickets while the team stays the same size."],
    ],
  },
  {
    name: "marketing agencies",
    weight: 0.11,
    effect: 0.2,
    companyWord: ["Media", "Creative", "Digital", "Studio"],
    audience: "marketing agencies",
    metric: "client retention",
    metricDirection: "raised",
    useCases: [
      ["One dashboard for every client", "Report on all client accounts from one place, with white-label exports."],
      ["Prove ROI before the renewal meeting", "Show each client what the campaigns brought, in numbers they trust."],
      ["Scale delivery without more headcount", "Templates and automations let a small team serve more clients."],
    ],
    painPoints: [
      ["Clients who leave after one campaign", "Without visible results, clients move their budget elsewhere."],
      ["Hours lost to manual reporting", "Copying numbers into slides every month takes time from real work."],
      ["Scope creep on fixed retainers", "Untracked requests turn profitable clients into losses."],
    ],
  },
  {
    name: "fintech",
    weight: 0.09,
    effect: 0.1,
    companyWord: ["Capital", "Pay", "Finance", "Ledger"],
    audience: "fintech companies",
    metric: "onboarding drop-off",
    metricDirection: "cut",
    useCases: [
      ["Compliant onboarding flows", "Collect and verify customer details with audit trails regulators accept."],
      ["Spot at-risk accounts early", "Usage and support signals flag accounts that are about to move their money."],
      ["Grow through trusted referrals", "In finance, people trust a peer's recommendation more than any ad."],
    ],
    painPoints: [
      ["Drop-off during identity checks", "Every extra verification step loses applicants."],
      ["Trust that takes years to build", "New financial products struggle to convince cautious buyers."],
      ["Fraud reviews slowing good customers", "Manual reviews delay the customers you most want to keep."],
    ],
  },
  {
    name: "education",
    weight: 0.1,
    effect: 0,
    companyWord: ["Learning", "Academy", "Education", "Tutors"],
    audience: "schools and course creators",
    metric: "course completion",
    metricDirection: "raised",
    useCases: [
      ["Keep learners engaged to the last lesson", "Nudges and progress tracking bring learners back before they drop out."],
      ["Run cohorts without spreadsheets", "Enrolment, reminders and grading in one place."],
      ["Let alumni recruit the next cohort", "Graduates are the most convincing advertisement for a course."],
    ],
    painPoints: [
      ["Learners who drop out in week two", "Most learners stop before the course delivers its value."],
      ["Admin work crowding out teaching", "Enrolment and reminders take the time meant for students."],
      ["Enrolment that depends on ads", "Paid ads get more expensive every term."],
    ],
  },
  {
    name: "healthcare",
    weight: 0.09,
    effect: -0.1,
    companyWord: ["Health", "Care", "Clinic", "Medical"],
    audience: "clinics and care providers",
    metric: "appointment no-shows",
    metricDirection: "cut",
    useCases: [
      ["Automated appointment reminders", "Reminders by text and email that patients actually answer."],
      ["Patient intake without paperwork", "Patients fill in forms before they arrive, securely."],
      ["Referrals from satisfied patients", "Happy patients recommend their clinic when it is easy to do."],
    ],
    painPoints: [
      ["No-shows that empty the schedule", "Every missed appointment is lost revenue and a patient left untreated."],
      ["Staff buried in paperwork", "Front-desk teams spend their day on forms instead of patients."],
      ["Compliance worries slowing every change", "Fear of getting privacy wrong keeps clinics on old tools."],
    ],
  },
  {
    name: "real estate",
    weight: 0.08,
    effect: -0.3,
    companyWord: ["Realty", "Properties", "Homes", "Estates"],
    audience: "real estate agencies",
    metric: "days on market",
    metricDirection: "cut",
    useCases: [
      ["Follow up with every lead the same day", "Leads from listings reach an agent before they call a competitor."],
      ["Share listings clients love", "Personalized listing alerts keep buyers engaged."],
      ["Win listings through past clients", "Past buyers and sellers are the best source of new listings."],
    ],
    painPoints: [
      ["Leads that go cold", "A lead not answered within an hour rarely becomes a client."],
      ["Agents working from scattered tools", "Notes in phones and spreadsheets mean lost context."],
      ["Commission-only teams that churn", "Agents leave, and their client relationships leave with them."],
    ],
  },
  {
    name: "logistics",
    weight: 0.08,
    effect: -0.15,
    companyWord: ["Logistics", "Freight", "Transport", "Shipping"],
    audience: "logistics operators",
    metric: "late deliveries",
    metricDirection: "cut",
    useCases: [
      ["Live shipment tracking for customers", "Customers see where their shipment is without calling dispatch."],
      ["Dispatch that plans itself", "Routes and loads planned from live orders and capacity."],
      ["Grow with shipper referrals", "Shippers who trust you bring their partners along."],
    ],
    painPoints: [
      ["Where-is-my-order calls all day", "Dispatchers spend their day answering status questions."],
      ["Late deliveries that cost contracts", "One bad month of delays can lose a key account."],
      ["Margins squeezed by empty miles", "Trucks running empty eat the profit of every route."],
    ],
  },
  {
    name: "hospitality",
    weight: 0.08,
    effect: -0.45,
    companyWord: ["Hotels", "Hospitality", "Resorts", "Dining"],
    audience: "hotels and restaurants",
    metric: "direct bookings",
    metricDirection: "raised",
    useCases: [
      ["More direct bookings, fewer commissions", "Guests book with you directly instead of through an agency."],
      ["Guest messaging before and after the stay", "Answer questions and collect reviews automatically."],
      ["Loyal guests who bring friends", "Returning guests are happy to recommend a place they love."],
    ],
    painPoints: [
      ["Booking platforms taking a large cut", "Commissions on every booking eat into thin margins."],
      ["Staff turnover and training", "New staff every season need to learn the tools from scratch."],
      ["Reviews you hear about too late", "A bad stay becomes a public review before anyone can fix it."],
    ],
  },
  {
    name: "nonprofit",
    weight: 0.07,
    effect: -0.2,
    companyWord: ["Foundation", "Alliance", "Trust", "Initiative"],
    audience: "nonprofits",
    metric: "recurring donors",
    metricDirection: "raised",
    useCases: [
      ["Turn one-time donors into monthly givers", "Thank-you journeys that invite donors to give again."],
      ["Volunteer coordination in one place", "Schedules, reminders and hours tracked without spreadsheets."],
      ["Supporters who fundraise for you", "Give your best supporters a page to raise money from their network."],
    ],
    painPoints: [
      ["Donors who give once and never again", "Most first-time donors are never heard from again."],
      ["Small teams with no time for tools", "Every hour spent on software is an hour not spent on the mission."],
      ["Reporting to funders", "Grant reports take weeks to compile by hand."],
    ],
  },
];

export interface ChannelSpec {
  name: string;
  weight: number;
  effect: number;
}

/** Customers from the affiliate channel get their affiliate's quality as effect instead. */
export const AFFILIATE_CHANNEL = "affiliate";

export const CHANNELS: readonly ChannelSpec[] = [
  { name: "organic", weight: 0.23, effect: 0.2 },
  { name: "paid search", weight: 0.17, effect: -0.3 },
  { name: AFFILIATE_CHANNEL, weight: 0.16, effect: 0 },
  { name: "partner", weight: 0.1, effect: 0.4 },
  { name: "outbound", weight: 0.13, effect: -0.45 },
  { name: "content", weight: 0.13, effect: 0.3 },
  { name: "events", weight: 0.08, effect: 0.1 },
];

export interface PlanSpec {
  name: string;
  weight: number;
  effect: number;
  seatPriceCents: number;
  minSeats: number;
  maxSeats: number;
  /** Monthly customer-success spend on one customer of this plan (retention cost). */
  retentionCostCents: number;
}

/** Ordered from the smallest plan up: an upgrade moves one step along this list. */
export const PLANS: readonly PlanSpec[] = [
  { name: "starter", weight: 0.36, effect: -0.25, seatPriceCents: 2_900, minSeats: 1, maxSeats: 5, retentionCostCents: 800 },
  { name: "growth", weight: 0.34, effect: 0, seatPriceCents: 2_500, minSeats: 5, maxSeats: 25, retentionCostCents: 3_000 },
  { name: "pro", weight: 0.2, effect: 0.15, seatPriceCents: 2_000, minSeats: 20, maxSeats: 100, retentionCostCents: 9_000 },
  { name: "enterprise", weight: 0.1, effect: 0.3, seatPriceCents: 1_500, minSeats: 100, maxSeats: 600, retentionCostCents: 35_000 },
];

export const CHURN_REASONS_LOW_ADOPTION = ["low adoption", "poor onboarding", "never saw the value"] as const;
export const CHURN_REASONS_OTHER = [
  "price",
  "switched to a competitor",
  "missing features",
  "budget cuts",
  "business closed",
  "acquired by another company",
  "support experience",
] as const;

export const COMPANY_PREFIXES = [
  "Blue", "Bright", "North", "Silver", "Green", "Summit", "Harbor", "Maple", "Cedar", "Granite",
  "Copper", "Swift", "Clear", "True", "Pioneer", "Golden", "Red", "Oak", "River", "Stone",
  "Crystal", "Iron", "Lunar", "Solar", "Urban", "Coastal", "Prairie", "Alpine", "Vivid", "Atlas",
] as const;

export const COMPANY_CORES = [
  "wave", "path", "point", "field", "bridge", "peak", "light", "gate", "line", "works",
  "leaf", "stone", "spring", "forge", "mark", "view", "bay", "crest", "ridge", "hub",
  "loop", "nest", "port", "star", "way", "wind", "wood", "yard", "vale", "grove",
] as const;

export const FIRST_NAMES = [
  "Ana", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "James",
  "Kofi", "Lena", "Marco", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara",
  "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Aisha", "Bruno", "Chloe", "Diego",
  "Emma", "Felix", "Hana", "Ivan", "Julia", "Kenji", "Lucia", "Mateo", "Nora", "Oscar",
] as const;

export const LAST_NAMES = [
  "Garcia", "Smith", "Okafor", "Tanaka", "Schneider", "Rossi", "Kowalski", "Nguyen", "Silva", "Haddad",
  "Johansson", "Patel", "Kim", "Dubois", "Santos", "Novak", "Cohen", "Ibrahim", "Lopez", "Wright",
  "Fischer", "Moreau", "Costa", "Yilmaz", "Andersen", "Chen", "Mensah", "Reyes", "Walsh", "Sato",
] as const;

/** Names of affiliates that are not customers: publishers, agencies and consultants. */
export const AFFILIATE_BRAND_WORDS = [
  "Growth", "Stack", "Review", "Insider", "Playbook", "Weekly", "Digest", "Guide", "Collective", "Lab",
] as const;
