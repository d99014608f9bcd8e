import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { HeaderMap } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";

/** Every code a client can see in `extensions.code`, besides graphql-js/Apollo's own. */
export enum ErrorCode {
  BAD_USER_INPUT = "BAD_USER_INPUT",
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  /** The request is valid but the data does not allow it yet (e.g. too little history to train). */
  FAILED_PRECONDITION = "FAILED_PRECONDITION",
  /** A client sent more than its rate limit allows; retry after `extensions.retryAfterSeconds`. */
  TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS",
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
}

/** A domain error: thrown by services, mapped to a GraphQL error once, in formatError. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badInput = (field: string, problem: string) => new AppError(ErrorCode.BAD_USER_INPUT, `${field}: ${problem}`, field);

export const unauthenticated = (message = "a valid API key is required (Authorization: Bearer <key>)") =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message = "this key may not do that") => new AppError(ErrorCode.FORBIDDEN, message);

/**
 * A GraphQLError rather than an AppError: Apollo takes the HTTP status and headers from the
 * thrown error's `extensions.http` before formatError runs, so they cannot be added later.
 * The delay is also in `extensions`, for browsers, which hide Retry-After from cross-origin scripts.
 */
export const tooManyRequests = (retryAfterSeconds: number) =>
  new GraphQLError(`too many requests from this address: retry in ${retryAfterSeconds} s`, {
    extensions: {
      code: ErrorCode.TOO_MANY_REQUESTS,
      retryAfterSeconds,
      http: { status: 429, headers: new HeaderMap([["retry-after", String(retryAfterSeconds)]]) },
    },
  });

// Unique constraints a concurrent write can still hit after a service's own checks; each is
// reported against the input field a client can fix.
const uniqueConstraintFields: Record<string, string> = {
  customers_external_id_key: "externalId",
  affiliates_code_key: "code",
  affiliates_customer_id_key: "customerId",
  referrals_customer_id_key: "customerId",
  segments_name_key: "name",
  stakeholders_customer_email_key: "email",
};

interface PgErrorLike {
  code?: string;
  constraint?: string;
  constraint_name?: string;
}

function findPgError(error: unknown): PgErrorLike | undefined {
  for (let e = error as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = (e as PgErrorLike).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return e as PgErrorLike;
  }
  return undefined;
}

/** Turns a thrown error into a domain error where one applies (a unique violation, say). */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const pg = findPgError(error);
  if (pg?.code === "23505") {
    const constraint = pg.constraint ?? pg.constraint_name ?? "";
    const field = uniqueConstraintFields[constraint] ?? "input";
    return badInput(field, "already exists");
  }
  return undefined;
}

/**
 * The AppError a scalar threw when it refused an input value (DateTime), which graphql-js and
 * Apollo carry in their own validation or variable errors: the code is the AppError's, the
 * message theirs (it names the variable, or points at the literal).
 */
function carriedAppError(error: unknown): AppError | undefined {
  for (let e = error, depth = 0; e instanceof GraphQLError && depth < 4; e = e.originalError, depth++) {
    if (e.originalError instanceof AppError) return e.originalError;
  }
  return undefined;
}

export type ErrorLogger = (error: unknown) => void;

/**
 * An error nobody meant to send (a failed query, a bug): masked in answers, logged with the
 * request id. Domain errors, coded GraphQL errors and graphql-js' own errors are meant.
 */
export function isUnexpectedError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (toAppError(original)) return false;
  if (original instanceof GraphQLError && original.extensions?.code) return false;
  if (error instanceof GraphQLError && !error.originalError) return false;
  return true;
}

/**
 * Apollo's formatError: domain errors keep their code and message; graphql-js' own errors
 * (syntax, validation) pass through; anything else is masked so no SQL or stack leaves.
 */
export function createErrorFormatter(log: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const carried = carriedAppError(original);
    const appError = toAppError(original) ?? carried;
    if (appError) {
      return {
        message: carried ? formatted.message : appError.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: appError.code, ...(appError.field ? { field: appError.field } : {}) },
      };
    }
    if (original instanceof GraphQLError && original.extensions?.code) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      void _stack;
      return { ...formatted, extensions };
    }
    // A GraphQLError from graphql-js itself (validation, coercion) has no originalError.
    if (error instanceof GraphQLError && !error.originalError) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      void _stack;
      return { ...formatted, extensions };
    }
    log(original);
    return {
      message: "Internal server error",
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
