import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import { badInput } from "../common/errors.js";
import { MAX_PAGE_SIZE, toConnection } from "../common/pagination.js";
import type { Context } from "../graphql/context.js";
import { AdminAuditConnection, AdminAuditEntry } from "./audit.type.js";
import { countAuditRows, listAuditRows, type AuditRow } from "./audit.repository.js";

const encode = (id: number) => Buffer.from(`audit:${id}`).toString("base64url");

function decode(cursor: string): number {
  const match = /^audit:(\d{1,18})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match) throw badInput("after", "is not an adminAuditLog cursor");
  return Number(match[1]);
}

const toEntry = (row: AuditRow): AdminAuditEntry => ({ ...row, id: String(row.id) });

@Resolver(() => AdminAuditEntry)
export class AuditResolver {
  @Query(() => AdminAuditConnection, {
    description: "Every admin write (each root field of each mutation made with the admin key), newest first: which key, what, when, how it ended.",
  })
  @Allow(Role.ADMIN)
  async adminAuditLog(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { defaultValue: 50, description: `At most ${MAX_PAGE_SIZE}.` }) first: number,
    @Arg("after", () => String, { nullable: true, description: "The endCursor of the previous page." }) after: string | null,
    @Arg("operation", () => String, { nullable: true, description: "Only this mutation, e.g. `eraseCustomer`." }) operation: string | null,
  ) {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput("first", `must be from 0 to ${MAX_PAGE_SIZE}`);
    const filter = { operation: operation?.trim() || null };
    const rows = await listAuditRows(ctx.db, filter, first + 1, after ? decode(after) : null);
    return toConnection(
      rows.map(toEntry),
      first,
      () => countAuditRows(ctx.db, filter),
      (entry) => encode(Number(entry.id)),
    );
  }
}
