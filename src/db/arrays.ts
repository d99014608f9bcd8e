/**
 * A one-dimensional Postgres array literal ('{"a",NULL,"b"}'), passed as one text parameter and
 * cast in SQL (`${literal}::uuid[]`). Both drivers pass text through unchanged, so a batch of
 * any size costs one parameter per column: the way to send thousands of rows in one statement.
 */
export function pgArrayLiteral(values: readonly unknown[]): string {
  const elements = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) elements[i] = "NULL";
    else if (value instanceof Date) elements[i] = value.toISOString();
    else if (typeof value === "number") elements[i] = Number.isFinite(value) ? String(value) : "NULL";
    else if (typeof value === "boolean") elements[i] = value ? "t" : "f";
    else if (typeof value === "string") elements[i] = value.includes('"') || value.includes("\\") ? `"${value.replace(/["\\]/g, "\\$&")}"` : `"${value}"`;
    else if (typeof value === "object") elements[i] = `"${JSON.stringify(value).replace(/["\\]/g, "\\$&")}"`;
    else throw new TypeError(`cannot put a ${typeof value} into a Postgres array literal`);
  }
  return `{${elements.join(",")}}`;
}
