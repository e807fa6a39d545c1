// Bulk imports: POST a CSV or NDJSON file of customers, products or purchases, read as a stream
// from the request (never buffered), and answer with the import's report once every row is in.
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { IMPORT_KINDS, type ImportFormat } from '../imports/import-schemas';
import type { ImportReport, ImportService } from '../imports/import-service';
import { requireScope } from './auth';
import { NotFoundError } from '../core/errors';
import { HttpError } from './errors';
import { parse } from './validate';

const FORMATS: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
};

const kindParams = z.object({ kind: z.enum(IMPORT_KINDS, { error: `must be one of ${IMPORT_KINDS.join(', ')}` }) });
const idParams = z.object({ id: z.string().min(1) });

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

export function importsRouter(imports: ImportService): Router {
  const router = Router();

  // Synchronous: the request stays open until the last row is written, so a million rows keep it
  // open for minutes; GET /v1/imports/:id shows the progress meanwhile, batch by batch.
  router.post('/v1/imports/:kind', requireScope('admin'), async (req, res) => {
    const { kind } = parse(kindParams, req.params, '$.params');
    const type = req.headers['content-type'];
    const format = FORMATS[(type ?? '').split(';')[0]!.trim().toLowerCase()];
    if (!format)
      throw new UnsupportedMediaTypeError(
        `Send the file as text/csv or application/x-ndjson${type ? `, not ${type}` : ''}`,
      );
    const report = await imports.run({ kind, format, body: decoded(req) });
    if (report.status === 'failed') throw new ImportStoppedError(report);
    res.status(201).location(`/v1/imports/${report.id}`).json(report);
  });

  router.get('/v1/imports/:id', requireScope('admin'), async (req, res) => {
    const { id } = parse(idParams, req.params, '$.params');
    const report = await imports.get(id);
    if (!report) throw new NotFoundError(`import ${id}`);
    res.json(report);
  });

  return router;
}

/** The body as sent, or inflated: a CSV of a million rows shrinks about tenfold with gzip. */
function decoded(req: Request): Readable {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return req;
  if (encoding !== 'gzip')
    throw new UnsupportedMediaTypeError(`Send the file uncompressed or with Content-Encoding: gzip, not ${encoding}`);
  return pipeline(req, createGunzip(), () => undefined); // a broken upload or bad gzip surfaces as a read error
}
