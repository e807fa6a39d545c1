// Bulk imports as durable jobs, the API's side: an upload is streamed to the import directory or
// a file:// source is checked, the import is stored as `queued` and its job started, all before
// the answer; reports, the list and cancelling read and change the `imports` row.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { ImportFormat, ImportKind, ImportSource } from '../contracts/requests/import-kinds';
import { ConflictError, NotFoundError } from '../core/errors';
import type { Db } from '../db/prisma';
import { removeUpload, resolveFileSource, saveUpload, type ImportFile, type ImportStorage } from './import-files';
import type { ImportJobs } from './import-jobs';
import { toReport, type ImportReport } from './import-progress';

export type { ImportReport } from './import-progress';

export function createImportService(deps: { db: Db; logger: Logger; jobs: ImportJobs; storage: ImportStorage }) {
  const { db, logger, jobs, storage } = deps;

  async function start(
    id: string,
    kind: ImportKind,
    file: ImportFile,
    source: { type: 'upload' } | { type: 'file'; url: string },
  ): Promise<ImportReport> {
    const row = await db.import.create({
      data: {
        id,
        kind,
        format: file.format,
        status: 'queued',
        source: source.type,
        url: source.type === 'file' ? source.url : null,
        path: file.path,
        gzip: file.gzip,
        bytesTotal: file.bytesTotal,
      },
    });
    try {
      await jobs.start(id);
    } catch (err) {
      // Nothing will read it: the import is not left queued forever, nor its upload on disk.
      await db.import.delete({ where: { id } });
      if (source.type === 'upload') await removeUpload(file.path);
      throw err;
    }
    logger.info({ importId: id, kind, format: file.format, source: source.type }, 'import started');
    return toReport(row);
  }

  return {
    /** Stores the uploaded file (inflated if `gzip`), then starts its import. */
    async upload(input: { kind: ImportKind; format: ImportFormat; gzip: boolean; body: Readable }) {
      const id = randomUUID();
      const file = await saveUpload(input.body, {
        uploadDir: storage.uploadDir,
        id,
        format: input.format,
        gzip: input.gzip,
      });
      return start(id, input.kind, file, { type: 'upload' });
    },

    /** Starts importing a file on this machine; refused, with nothing stored, unless it is in a source directory. */
    async fromFile(input: { kind: ImportKind; source: ImportSource }) {
      const file = await resolveFileSource(input.source, storage.sourceDirs);
      return start(randomUUID(), input.kind, file, { type: 'file', url: input.source.url });
    },

    async get(id: string): Promise<ImportReport | null> {
      const found = await db.import.findUnique({ where: { id } });
      return found && toReport(found);
    },

    /** Most recent first; `before` is the id the previous page ended with. */
    async list(query: {
      before?: string;
      limit: number;
    }): Promise<{ imports: ImportReport[]; nextBefore: string | null }> {
      const cursor = query.before
        ? await db.import.findUnique({ where: { id: query.before }, select: { startedAt: true, id: true } })
        : null;
      // A cursor that names no import is past the end.
      if (query.before && !cursor) return { imports: [], nextBefore: null };
      const rows = await db.import.findMany({
        where: cursor
          ? { OR: [{ startedAt: { lt: cursor.startedAt } }, { startedAt: cursor.startedAt, id: { lt: cursor.id } }] }
          : {},
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return { imports: page.map(toReport), nextBefore: rows.length > query.limit ? page.at(-1)!.id : null };
    },

    /**
     * Marks a queued or running import cancelled, then ends its job. The update waits for a batch
     * being written (its transaction holds the row), and no batch is written after it.
     */
    async cancel(id: string): Promise<ImportReport> {
      const now = new Date();
      const { count } = await db.import.updateMany({
        where: { id, status: { in: ['queued', 'running'] } },
        data: { status: 'cancelled', finishedAt: now, updatedAt: now, owner: null },
      });
      if (!count) {
        const found = await db.import.findUnique({ where: { id } });
        if (!found) throw new NotFoundError(`import ${id}`);
        throw new ConflictError(`import ${id} has already ended: it is ${found.status}`);
      }
      await jobs.cancel(id);
      return toReport(await db.import.findUniqueOrThrow({ where: { id } }));
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
