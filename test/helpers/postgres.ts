import postgres from "postgres";

export const TEMPLATE_DATABASE = "advocate_test_template";

/** The PostgreSQL server under test, when DATABASE_URL names one. */
export function postgresUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function adminConnection(url: string) {
  return postgres(url, { max: 1, onnotice: () => {} });
}
