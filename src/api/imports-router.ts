// Bulk imports: POST a CSV or NDJSON file (streamed to the import directory, never buffered) or a
// file:// URL naming one, and the answer comes once its job has started; then its progress, the
// list of imports, and cancelling one.
import type { Request } from 'express';
import type { importRoutes } from '../contracts/routes/imports';
import { importSourceSchema, type ImportFormat } from '../contracts/requests/import-kinds';
import { NotFoundError } from '../core/errors';
import { ImportSourceError } from '../imports/import-files';
import type { ImportService } from '../imports/import-service';
import { HttpError, ValidationError } from './errors';
import type { Handlers } from './mount-routes';
import { parse } from './validate';

const FORMATS: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
};

/** A JSON body names a file; 16 kB is far more than any URL. */
const MAX_JSON_BYTES = 16 * 1024;

class UnsupportedMediaTypeError extends HttpError {
  constructor(detail: string) {
    super(415, 'Unsupported media type', detail);
  }
}

export function importHandlers(imports: ImportService): Handlers<typeof importRoutes> {
  return {
    run: async ({ params, req, res }) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (encoding !== 'identity' && encoding !== 'gzip')
        throw new UnsupportedMediaTypeError(
          `Send the file uncompressed or with Content-Encoding: gzip, not ${encoding}`,
        );
      const report = await refusedAs400(async () => {
        if (type === 'application/json') {
          const source = parse(importSourceSchema, await readJson(req));
          return imports.fromFile({ kind: params.kind, source });
        }
        const format = FORMATS[type];
        if (!format)
          throw new UnsupportedMediaTypeError(
            `Send the file as text/csv or application/x-ndjson, or application/json naming a file://` +
              ` URL${type ? `, not ${type}` : ''}`,
          );
        return imports.upload({ kind: params.kind, format, gzip: encoding === 'gzip', body: req });
      });
      res.location(`/v1/imports/${report.id}`);
      return report;
    },

    list: async ({ query }) => imports.list(query),

    get: async ({ params }) => {
      const report = await imports.get(params.id);
      if (!report) throw new NotFoundError(`import ${params.id}`);
      return report;
    },

    cancel: async ({ params }) => imports.cancel(params.id),
  };
}

async function refusedAs400<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ImportSourceError) throw new ValidationError(err.issues);
    throw err;
  }
}

async function readJson(req: Request): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES)
      throw new HttpError(413, 'Payload too large', `A JSON body is at most ${MAX_JSON_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'Malformed JSON', 'The request body is not valid JSON');
  }
}
