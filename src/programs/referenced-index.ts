// The API's index of the event types some program version in use references, so an event no
// workflow would act on is stored and not signalled (docs/ARCHITECTURE.md, "Events no program
// uses"). One query loads it; every change to programs or their versions, by any process, makes
// PostgreSQL notify every API process (triggers in the referenced_events migration), which reloads.
//
// It errs towards signalling: until the first load, from a notification until the reload after it
// has finished, and while the listening connection is down, every type counts as referenced.
import { Client } from 'pg';
import type { Logger } from 'pino';

export interface ReferencedIndex {
  /** Whether a workflow may act on an event of this type. True whenever the index may be behind. */
  references(type: string): boolean;
  /**
   * Whether an event of this type may start an enrollment (some version's entry event). True whenever the index may be
   * behind.
   */
  enters(type: string): boolean;
  /** Reloads after a change this process made; resolves once a load that began after the call ended. */
  refresh(): Promise<void>;
  /** Resolves true once the index is current (false if it could not load within `timeoutMs`). */
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

const PROGRAMS_CHANGED_CHANNEL = 'kairos_programs_changed';

/**
 * Entry, wait and goal types of every published version of every program that is not archived
 * (whatever its state: paused and stopped programs still have customers, and a version published
 * but not launched is in before anyone can enter it); an archived program's wait and goal types
 * until its `listening_until` (null: no bound known, kept). `until_ms` null means for good; `entry`
 * marks the entry events, which alone can start an enrollment.
 */
const INDEX_QUERY = `
  SELECT NULL AS type, NULL::float8 AS until_ms, false AS entry, pg_current_snapshot()::text AS snapshot
  UNION ALL
  SELECT v.trigger_event, NULL::float8, true, NULL
    FROM program_versions v JOIN programs p ON p.id = v.program_id
   WHERE p.status <> 'archived'
  UNION ALL
  SELECT t,
         CASE WHEN p.status = 'archived'
              THEN extract(epoch FROM p.listening_until AT TIME ZONE 'UTC')::float8 * 1000 END,
         false, NULL
    FROM program_versions v JOIN programs p ON p.id = v.program_id, unnest(v.listens_to) AS t
   WHERE p.status <> 'archived' OR p.listening_until IS NULL OR p.listening_until AT TIME ZONE 'UTC' > now()`;

/** A load's snapshot (`xmin:xmax:xip,…`, pg_current_snapshot): the transactions whose changes it saw. */
interface Snapshot {
  xmin: bigint;
  xmax: bigint;
  inProgress: Set<bigint>;
}

function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, xip] = text.split(':');
  return { xmin: BigInt(xmin!), xmax: BigInt(xmax!), inProgress: new Set(xip ? xip.split(',').map(BigInt) : []) };
}

/** Whether a load with this snapshot saw the committed transaction `xid` (the notification's payload). */
function saw(snapshot: Snapshot | null, payload: string): boolean {
  if (!snapshot || !/^\d+$/.test(payload)) return false;
  const xid = BigInt(payload);
  return xid < snapshot.xmin || (xid < snapshot.xmax && !snapshot.inProgress.has(xid));
}

export interface ReferencedIndexOptions {
  /** The database; without one the index never loads and every type counts as referenced. */
  url: string | undefined;
  logger: Logger;
  /** A reload that also proves the listening connection alive (a silent one would miss changes). */
  checkEveryMs?: number;
  queryTimeoutMs?: number;
}

export function createReferencedIndex(options: ReferencedIndexOptions): ReferencedIndex {
  const { url, logger } = options;
  const queryTimeoutMs = options.queryTimeoutMs ?? 5000;
  let types: Map<string, number> | null = null;
  /** The entry events among them. */
  let entryTypes = new Set<string>();
  /** The last load's snapshot: which changes it saw. */
  let snapshot: Snapshot | null = null;
  let client: Client | null = null;
  let closed = false;
  /** Loads asked for; a load covers every request made before it began. */
  let requested = 0;
  let loaded = 0;
  /** The index is behind until a load covering this request is in (a refresh, a reconnect). */
  let staleUntil = 0;
  /** Notified changes (transaction ids) no completed load is known to have seen. */
  const unseen = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  let connecting = false;
  let retryMs = 500;
  let nextAttemptAt = 0;
  let lastUsedAt = Date.now();
  const waiters: (() => void)[] = [];

  const current = () => client !== null && types !== null && loaded >= staleUntil && unseen.size === 0;

  async function load(): Promise<void> {
    const upTo = requested;
    const c = client;
    if (!c || loaded >= upTo) return;
    try {
      const { rows } = await c.query<{
        type: string | null;
        until_ms: number | null;
        entry: boolean;
        snapshot: string | null;
      }>(INDEX_QUERY);
      if (client !== c) return;
      const next = new Map<string, number>();
      const entries = new Set<string>();
      for (const row of rows) {
        if (row.snapshot !== null) snapshot = parseSnapshot(row.snapshot);
        if (row.type !== null) next.set(row.type, Math.max(next.get(row.type) ?? -Infinity, row.until_ms ?? Infinity));
        if (row.type !== null && row.entry) entries.add(row.type);
      }
      types = next;
      entryTypes = entries;
      loaded = upTo;
      for (const xid of unseen) if (saw(snapshot, xid)) unseen.delete(xid);
      if (current()) waiters.splice(0).forEach((w) => w());
    } catch (err) {
      lost(c, err);
    }
  }

  /** Loads again; with `stale`, every type counts as referenced until that load is in. */
  function reload(stale: boolean): Promise<void> {
    requested++;
    if (stale) staleUntil = requested;
    chain = chain.then(load);
    return chain;
  }

  /** Another transaction changed programs: behind until a load has seen it (its own, if it was this process's). */
  function notified(xid: string): void {
    if (saw(snapshot, xid)) return;
    unseen.add(xid);
    void reload(false);
  }

  async function connect(): Promise<void> {
    if (closed || !url || client || connecting) return;
    connecting = true;
    let c: Client | undefined;
    try {
      c = new Client({
        connectionString: url,
        keepAlive: true,
        query_timeout: queryTimeoutMs,
        connectionTimeoutMillis: queryTimeoutMs,
        application_name: 'kairos-referenced-index',
      });
      // Never what keeps a process alive: test worlds leave it open; the API's server keeps its process.
      (c as unknown as { connection: { stream: { unref?: () => void } } }).connection.stream.unref?.();
      const listener = c;
      c.on('error', (err) => lost(listener, err));
      c.on('end', () => lost(listener));
      c.on('notification', (n) => notified(n.payload ?? ''));
      await c.connect();
      await c.query(`LISTEN ${PROGRAMS_CHANGED_CHANNEL}`);
      if (closed || dropped.has(c)) return void (await c.end().catch(() => undefined));
      client = c;
      retryMs = 500;
      void reload(true);
    } catch (err) {
      if (c) lost(c, err);
    } finally {
      connecting = false;
    }
  }

  /**
   * After a lost connection it is taken up again when the index is next used (an event comes in),
   * at most once per back-off, not by a timer: an index left open by a process that no longer
   * ingests (a finished test) stays quiet.
   */
  function use(): void {
    lastUsedAt = Date.now();
    if (!client && !connecting && !closed && lastUsedAt >= nextAttemptAt) void connect();
  }

  const dropped = new WeakSet<Client>();
  function lost(c: Client, err?: unknown): void {
    if (dropped.has(c)) return;
    dropped.add(c);
    if (client === c) client = null;
    void c.end().catch(() => undefined);
    if (closed) return;
    // The database is gone (a dropped test database): nothing to listen to any more.
    if ((err as { code?: string } | undefined)?.code === '3D000') {
      closed = true;
      return void logger.warn({ err }, 'referenced event index: the database is gone; every event is signalled');
    }
    logger.warn(
      { err, retryInMs: retryMs },
      'referenced event index: connection lost; every event is signalled until it is back',
    );
    nextAttemptAt = Date.now() + retryMs;
    retryMs = Math.min(retryMs * 2, 30_000);
  }

  // A reload now and then proves the connection alive (a silent one would miss notifications);
  // only while the index is in use.
  const checkEveryMs = options.checkEveryMs ?? 30_000;
  const check = setInterval(() => {
    if (Date.now() - lastUsedAt > 2 * checkEveryMs) return;
    if (client) void reload(false);
    else use();
  }, checkEveryMs);
  check.unref();
  void connect();

  return {
    references(type) {
      use();
      if (!current() || !types) return true;
      const until = types.get(type);
      return until !== undefined && until > Date.now();
    },
    enters(type) {
      use();
      return !current() || entryTypes.has(type);
    },
    refresh() {
      use();
      return reload(true);
    },
    ready(timeoutMs = 10_000) {
      use();
      if (current()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(current()), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      closed = true;
      clearInterval(check);
      const c = client;
      client = null;
      if (c) {
        dropped.add(c);
        await c.end().catch(() => undefined);
      }
    },
  };
}
