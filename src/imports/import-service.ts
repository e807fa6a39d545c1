// Runs a bulk import: reads the upload as a stream, validates each row, and writes batches of
// ~1,000 while the next batch is parsed, so memory stays flat whatever the file's size.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { zodIssues } from '../contracts/issues';
import type { FieldIssue } from '../core/errors';
import type { Db } from '../db/prisma';
import { refreshCoPurchases } from '../recommendations/co-purchases';
import { createRefreshScheduler, type RefreshScheduler } from '../recommendations/refresh-scheduler';
import { customerWriter, productWriter, purchaseWriter, type BatchWriter, type ParsedRow } from './batch-writers';
import { createProgress, toReport, type ImportReport } from './import-progress';
import {
  customerRowSchema,
  productRowSchema,
  purchaseRowSchema,
  typeCustomerCsvRow,
  withoutBlanks,
} from './import-schemas';
import type { ImportFormat, ImportKind } from '../contracts/requests/import-kinds';
import { InputError, readRows } from './row-reader';

export type { ImportReport } from './import-progress';

interface KindPipeline {
  parse(record: Record<string, unknown>): { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] };
  write: BatchWriter<unknown>;
  /** Types a CSV row's text cells where the kind says how (customers' trait columns); NDJSON is typed already. */
  typeCsv?: (record: Record<string, unknown>) => Record<string, unknown>;
}

function pipelineOf<S extends z.ZodType>(
  schema: S,
  write: BatchWriter<z.output<S>>,
  typeCsv?: KindPipeline['typeCsv'],
): KindPipeline {
  return {
    typeCsv,
    parse(record) {
      const result = schema.safeParse(record);
      return result.success ? { ok: true, value: result.data } : { ok: false, issues: zodIssues(result.error) };
    },
    write: (rows) => write(rows as ParsedRow<z.output<S>>[]),
  };
}

export function createImportService(deps: {
  db: Db;
  logger: Logger;
  batchSize?: number;
  recommendations?: RefreshScheduler;
}) {
  const { db, logger } = deps;
  const batchSize = deps.batchSize ?? 1000;
  const recommendations = deps.recommendations ?? createRefreshScheduler(() => refreshCoPurchases(db), logger);
  const kinds: Record<ImportKind, KindPipeline> = {
    customers: pipelineOf(customerRowSchema, customerWriter(db), typeCustomerCsvRow),
    products: pipelineOf(productRowSchema, productWriter(db)),
    purchases: pipelineOf(purchaseRowSchema, purchaseWriter(db)),
  };

  /** Imports the whole body before returning; `get` shows its progress meanwhile. */
  async function run(input: { kind: ImportKind; format: ImportFormat; body: Readable }): Promise<ImportReport> {
    const { id } = await db.import.create({
      data: { id: randomUUID(), kind: input.kind, format: input.format, status: 'running' },
    });
    const started = Date.now();
    const pipeline = kinds[input.kind];
    const progress = createProgress(db, id);
    let batch: ParsedRow<unknown>[] = [];
    let writing: Promise<void> = Promise.resolve();
    let lastLine = 0;
    let stop: InputError | undefined;

    const write = async (rows: ParsedRow<unknown>[]) => {
      progress.written(rows.length, await pipeline.write(rows));
      await progress.save('running');
    };
    // One batch is written while the next is parsed; writes stay one at a time, in file order.
    const flush = async () => {
      await writing;
      if (!batch.length) return;
      writing = write(batch);
      writing.catch(() => undefined); // the next flush awaits it; until then it is not "unhandled"
      batch = [];
    };

    try {
      try {
        for await (const row of readRows(input.format, input.body)) {
          lastLine = row.line;
          if ('error' in row) {
            progress.reject([{ row: row.line, path: '$', message: row.error }]);
            continue;
          }
          const given = withoutBlanks(row.record);
          const parsed = pipeline.parse(input.format === 'csv' && pipeline.typeCsv ? pipeline.typeCsv(given) : given);
          if (!parsed.ok) progress.reject(parsed.issues.map((issue) => ({ row: row.line, ...issue })));
          else if (batch.push({ line: row.line, value: parsed.value }) >= batchSize) await flush();
        }
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        stop = err; // rows read before the input broke off are good rows: they are still written
      }
      await flush();
      await writing;
    } catch (err) {
      await progress
        .save('failed')
        .catch((saveErr: unknown) => logger.error({ err: saveErr, importId: id }, 'could not mark the import failed'));
      throw err;
    }
    if (stop)
      progress.stopped({ row: stop.line ?? lastLine + 1, path: '$', message: `import stopped: ${stop.message}` });
    const report = await progress.save(stop ? 'failed' : 'completed');
    // Purchases and products feed the precomputed recommendation lists. Rebuilding them takes
    // seconds on a large order history, so it runs after the answer, in the background.
    if (input.kind !== 'customers' && report.rowsOk > 0) recommendations.request();
    logger.info(
      {
        importId: id,
        kind: report.kind,
        status: report.status,
        rowsOk: report.rowsOk,
        rowsFailed: report.rowsFailed,
        ms: Date.now() - started,
      },
      'import finished',
    );
    return report;
  }

  async function get(id: string): Promise<ImportReport | null> {
    const found = await db.import.findUnique({ where: { id } });
    return found && toReport(found);
  }

  return {
    run,
    get,
    /** Resolves once the recommendation lists include every import answered so far. */
    recommendationsRefreshed: () => recommendations.idle(),
  };
}

export type ImportService = ReturnType<typeof createImportService>;
