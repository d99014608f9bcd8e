import { Authorized, Extensions, type AuthChecker } from "type-graphql";
import { forbidden, unauthenticated } from "../common/errors.js";

export enum Role {
  PUBLIC = "PUBLIC",
  AFFILIATE = "AFFILIATE",
  ADMIN = "ADMIN",
}

export interface Caller {
  role: Role;
  /** Set for Role.AFFILIATE: the affiliate the key belongs to. */
  affiliateId?: string;
}

/**
 * Declares who may call a query, mutation or field. Every root field must carry one
 * (test/api/security/auth.test.ts reads the `access` extension to enforce it).
 */
export function Allow(...roles: Role[]): MethodDecorator & PropertyDecorator {
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    Extensions({ access: roles })(target, key, descriptor as PropertyDescriptor);
    if (!roles.includes(Role.PUBLIC)) Authorized(...roles)(target, key, descriptor as PropertyDescriptor);
  };
}

export const authChecker: AuthChecker<{ caller: Caller }, Role> = ({ context }, roles) => {
  const { role } = context.caller;
  if (roles.includes(role)) return true;
  if (role === Role.PUBLIC) throw unauthenticated();
  throw forbidden(`this operation needs a ${roles.map((r) => r.toLowerCase()).join(" or ")} key`);
};
