// Bulk imports: POST a CSV or NDJSON file of customers, products or purchases, read as a stream
// from the request (never buffered), and answer with the import's report once every row is in.
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Request } from 'express';
import type { importRoutes } from '../contracts/routes/imports';
import { NotFoundError } from '../core/errors';
import type { ImportFormat } from '../contracts/requests/import-kinds';
import type { ImportReport, ImportService } from '../imports/import-service';
import { HttpError } from './errors';
import type { Handlers } from './mount-routes';

const FORMATS: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
};

class UnsupportedMediaTypeError extends HttpError {
  constructor(detail: string) {
    super(415, 'Unsupported media type', detail);
  }
}

/** The input broke off (e.g. a quote never closed): rows before it are imported, the report says where. */
class ImportStoppedError extends HttpError {
  constructor(report: ImportReport) {
    super(422, 'Import stopped', report.errors.at(-1)?.message, { import: report });
  }
}

export function importHandlers(imports: ImportService): Handlers<typeof importRoutes> {
  return {
    // Synchronous: the request stays open until the last row is written, so a million rows keep it
    // open for minutes; GET /v1/imports/:id shows the progress meanwhile, batch by batch.
    run: async ({ params, req, res }) => {
      const type = req.headers['content-type'];
      const format = FORMATS[(type ?? '').split(';')[0]!.trim().toLowerCase()];
      if (!format)
        throw new UnsupportedMediaTypeError(
          `Send the file as text/csv or application/x-ndjson${type ? `, not ${type}` : ''}`,
        );
      const report = await imports.run({ kind: params.kind, format, body: decoded(req) });
      if (report.status === 'failed') throw new ImportStoppedError(report);
      res.location(`/v1/imports/${report.id}`);
      return report;
    },

    get: async ({ params }) => {
      const report = await imports.get(params.id);
      if (!report) throw new NotFoundError(`import ${params.id}`);
      return report;
    },
  };
}

/** The body as sent, or inflated: a CSV of a million rows shrinks about tenfold with gzip. */
function decoded(req: Request): Readable {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return req;
  if (encoding !== 'gzip')
    throw new UnsupportedMediaTypeError(`Send the file uncompressed or with Content-Encoding: gzip, not ${encoding}`);
  return pipeline(req, createGunzip(), () => undefined); // a broken upload or bad gzip surfaces as a read error
}
