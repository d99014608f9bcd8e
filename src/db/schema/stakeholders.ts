import { index, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { enumValues, id, lifecycleDates } from "./columns.js";
import { customers } from "./customers.js";
import { StakeholderRole } from "../../customers/customer.enums.js";

export const stakeholderRole = pgEnum("stakeholder_role", enumValues(StakeholderRole));

/** People at a customer, from the CRM: who to approach when the customer should become an affiliate. */
export const stakeholders = pgTable(
  "stakeholders",
  {
    id: id(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Stored lower-case: the upsert key within a customer. */
    email: text("email").notNull(),
    role: stakeholderRole("role").notNull(),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex("stakeholders_customer_email_key").on(t.customerId, t.email),
    index("stakeholders_customer_role_idx").on(t.customerId, t.role),
  ],
);
