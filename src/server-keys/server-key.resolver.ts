import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { NewServerKey, ServerKey, ServerKeyInput } from "./server-key.type.js";
import { listServerKeys } from "./server-key.repository.js";
import * as serverKeysService from "./server-key.service.js";

@Resolver(() => ServerKey)
export class ServerKeyResolver {
  @Query(() => [ServerKey], { description: "Every server key, revoked ones included, oldest first; never a secret." })
  @Allow(Role.ADMIN)
  serverKeys(@Ctx() { db }: Context) {
    return listServerKeys(db);
  }

  @Mutation(() => NewServerKey, { description: "A key for the company's own servers, with its scopes; returns the secret once." })
  @Allow(Role.ADMIN)
  createServerKey(@Arg("input", () => ServerKeyInput) input: ServerKeyInput, @Ctx() { db }: Context) {
    return serverKeysService.createServerKey(db, input);
  }

  @Mutation(() => ServerKey, { description: "The key stops working at once; revoking twice is harmless." })
  @Allow(Role.ADMIN)
  revokeServerKey(@Arg("id", () => ID) id: string, @Ctx() { db }: Context) {
    return serverKeysService.revokeServerKey(db, id);
  }
}
