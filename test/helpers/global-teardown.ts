// Drops this run's template database.
import { admin } from './database';

export default async function globalTeardown(): Promise<void> {
  const base = process.env.KAIROS_TEST_DATABASE_URL;
  const template = process.env.KAIROS_TEST_TEMPLATE_DB;
  if (base && template) await admin(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
}
