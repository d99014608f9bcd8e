import { timestamp, uuid } from "drizzle-orm/pg-core";

/** Every table's primary key: a random UUID, so ids can be made by the app (bulk seed) or the database. */
export const id = () => uuid("id").primaryKey().defaultRandom();

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const lifecycleDates = {
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
};

/**
 * A string enum's values, as pgEnum takes them. Enums are declared once, in their domain's
 * `*.enums.ts` (which imports nothing); the column's type is the union of the values.
 */
export const enumValues = <E extends Record<string, string>>(values: E) => Object.values(values) as [`${E[keyof E]}`, ...`${E[keyof E]}`[]];
