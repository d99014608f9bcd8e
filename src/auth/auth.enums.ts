// Authorization's enums: declared once, used by pgEnum (db/schema), the auth checker and registerEnumType. Imports nothing.

/**
 * What a server key may do, one value per kind of server-to-server call. An operation declares
 * the scopes that allow it (`Allow(server(ServerKeyScope.X))`); a key holds a list of them.
 */
export enum ServerKeyScope {
  /** reportConversion: "visitor V became customer X". */
  CONVERSIONS = "CONVERSIONS",
  /** The analytics pipeline's calls: /v1/batch, /v1/track, /v1/identify, /v1/group, /v1/page, /v1/screen. */
  INGESTION = "INGESTION",
}
