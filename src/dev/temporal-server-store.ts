// The real Temporal server's store on PostgreSQL (src/dev/temporal-server.ts): its two databases,
// created when missing, with temporal-sql-tool's embedded schemas. The tool, not SQL files of our
// own, so the schema is always the one the pinned server expects, upgraded when the pin moves.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** The store's databases on one PostgreSQL server: history and state, and visibility. */
export interface StoreDatabases {
  main: string;
  visibility: string;
}

/** Where the server reaches PostgreSQL, as its config and the schema tool take it. */
export interface SqlServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The host, port, user and password of a PostgreSQL URL (its database is not used). */
export function sqlServerOf(postgresUrl: string): SqlServer {
  const postgres = new URL(postgresUrl);
  return {
    host: postgres.hostname,
    port: Number(postgres.port || 5432),
    user: decodeURIComponent(postgres.username),
    password: decodeURIComponent(postgres.password),
  };
}

/**
 * The store's databases, created when missing, with the schema tool's embedded schemas: the
 * versioning tables once, then every versioned update the pinned server has (none when current).
 * `postgresUrl`'s role must be allowed to create databases.
 */
export async function createStore(postgresUrl: string, databases: StoreDatabases, sqlToolPath: string): Promise<void> {
  const sql = sqlServerOf(postgresUrl);
  const sqlTool = (args: string[]) =>
    run(sqlToolPath, args, {
      env: {
        ...process.env,
        SQL_PLUGIN: 'postgres12',
        SQL_HOST: sql.host,
        SQL_PORT: String(sql.port),
        SQL_USER: sql.user,
        SQL_PASSWORD: sql.password,
      },
    });
  const stores: [db: string, schema: string][] = [
    [databases.main, 'postgresql/v12/temporal'],
    [databases.visibility, 'postgresql/v12/visibility'],
  ];
  for (const [db, schema] of stores) {
    // The name goes into CREATE DATABASE as is: identifiers cannot be bound parameters.
    if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`not a plain database name: ${db}`);
    const exists = await query(postgresUrl, 'postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (exists.length === 0) await query(postgresUrl, 'postgres', `CREATE DATABASE ${db}`);
    const versioned = await query(postgresUrl, db, "SELECT to_regclass('schema_version') AS t");
    try {
      if (!versioned[0]?.t) await sqlTool(['--db', db, 'setup-schema', '-v', '0.0']);
      await sqlTool(['--db', db, 'update-schema', '--schema-name', schema]);
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-5).join('\n') ?? String(err);
      throw new Error(`temporal-sql-tool could not set up ${db}:\n${detail}`);
    }
  }
}

/** One statement on `database` of the URL's server, on a connection of its own. */
async function query(url: string, database: string, sql: string, params: unknown[] = []) {
  const target = new URL(url);
  target.pathname = `/${database}`;
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
