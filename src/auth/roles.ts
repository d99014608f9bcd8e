import { Authorized, Extensions, type AuthChecker } from "type-graphql";
import { forbidden, unauthenticated } from "../common/errors.js";
import { ServerKeyScope } from "./auth.enums.js";

export { ServerKeyScope };

export enum Role {
  PUBLIC = "PUBLIC",
  AFFILIATE = "AFFILIATE",
  ADMIN = "ADMIN",
  /** A server key (adv_srv_…): only the operations that declare one of its scopes. */
  SERVER = "SERVER",
}

export interface Caller {
  role: Role;
  /** Set for Role.ADMIN: which credential, as the audit log names it (`admin-key:<hash prefix>`), never the secret. */
  credential?: string;
  /** Set for Role.AFFILIATE: the affiliate the key belongs to. */
  affiliateId?: string;
  /** Set for Role.SERVER: the key's id and scopes. */
  serverKeyId?: string;
  scopes?: readonly `${ServerKeyScope}`[];
}

/** Grants Role.SERVER on an operation, to keys holding any of `scopes`. */
export interface ServerGrant {
  role: Role.SERVER;
  scopes: ServerKeyScope[];
}

export const server = (...scopes: ServerKeyScope[]): ServerGrant => ({ role: Role.SERVER, scopes });

/**
 * Declares who may call a query, mutation or field: roles, and server keys by scope
 * (`Allow(Role.ADMIN, server(ServerKeyScope.CONVERSIONS))`). Every root field must carry one
 * (test/api/security/auth.test.ts reads the `access` and `scopes` extensions to enforce it).
 * Public operations are checked too: a server key may call nothing but its scopes' operations.
 */
export function Allow(...grants: (Role | ServerGrant)[]): MethodDecorator & PropertyDecorator {
  const roles = grants.map((grant) => (typeof grant === "string" ? grant : grant.role));
  const scopes = grants.flatMap((grant) => (typeof grant === "string" ? [] : grant.scopes));
  // A bare Role.SERVER would let every server key in, whatever its scopes.
  if (grants.includes(Role.SERVER) || (roles.includes(Role.SERVER) && scopes.length === 0)) {
    throw new Error("Allow: grant server keys with server(scope, …), naming at least one scope");
  }
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    Extensions({ access: roles, scopes })(target, key, descriptor as PropertyDescriptor);
    Authorized(...roles)(target, key, descriptor as PropertyDescriptor);
  };
}

/** The scopes the field being resolved grants server keys (its `scopes` extension). */
function grantedScopes(info: { parentType: { getFields(): Record<string, { extensions?: unknown }> }; fieldName: string }): readonly ServerKeyScope[] {
  const extensions = info.parentType.getFields()[info.fieldName]?.extensions as { scopes?: ServerKeyScope[] } | undefined;
  return extensions?.scopes ?? [];
}

export const authChecker: AuthChecker<{ caller: Caller }, Role> = ({ context, info }, roles) => {
  const { role, scopes = [] } = context.caller;
  if (role === Role.SERVER) {
    if (roles.includes(Role.SERVER) && grantedScopes(info).some((scope) => scopes.includes(scope))) return true;
    throw forbidden("a server key may call only the operations of its scopes");
  }
  if (roles.includes(role) || roles.includes(Role.PUBLIC)) return true;
  if (role === Role.PUBLIC) throw unauthenticated();
  throw forbidden(`this operation needs a ${roles.map((r) => r.toLowerCase()).join(" or ")} key`);
};
