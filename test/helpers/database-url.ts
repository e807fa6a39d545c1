// Database names and URLs for tests.
export const TEMPLATE_DB = 'kairos_test_template';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
