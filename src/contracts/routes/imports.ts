// Bulk imports as background jobs: a file uploaded or named by a file:// URL, one Temporal
// workflow per import, and its progress, list and cancel.
import { z } from 'zod';
import { IMPORT_FORMATS, IMPORT_KINDS, IMPORT_STATUSES, importSourceSchema } from '../requests/import-kinds';
import { route } from '../route';
import { instant } from '../response-parts';

const importReport = z
  .strictObject({
    id: z.string(),
    kind: z.enum(IMPORT_KINDS),
    format: z.enum(IMPORT_FORMATS),
    status: z.enum(IMPORT_STATUSES).meta({
      description:
        '`queued` until its workflow starts reading, `running`, then `completed`, `failed` (the input broke off, ' +
        'or the worker gave up: rows before that point are imported) or `cancelled`',
    }),
    source: z.strictObject({
      type: z.enum(['upload', 'file']),
      url: z.string().nullable().meta({ description: 'The file:// URL of a `file` source' }),
    }),
    rowsOk: z.int(),
    rowsFailed: z.int(),
    bytesRead: z.int().meta({ description: 'Bytes of the (inflated) file read up to the last checkpoint' }),
    bytesTotal: z.int().nullable().meta({ description: "The file's size; null for a gzip file source" }),
    rowsPerSecond: z
      .number()
      .nullable()
      .meta({ description: 'Rows read per second of running time, up to the last checkpoint; null while queued' }),
    errors: z
      .array(z.strictObject({ row: z.int(), path: z.string(), message: z.string() }))
      .meta({ description: 'The first 1,000 row errors, by row; a stop reason, if any, comes last' }),
    createdAt: instant,
    startedAt: instant.nullable().meta({ description: 'When its workflow first began reading' }),
    updatedAt: instant.meta({ description: 'The last checkpoint or change of status' }),
    finishedAt: instant.nullable(),
  })
  .meta({ id: 'ImportReport' });

const importPage = z.strictObject({
  imports: z.array(importReport),
  nextBefore: z.string().nullable().meta({ description: 'Pass as `before` for the next page' }),
});

const importId = z.object({ id: z.string().min(1).max(200) });

export const importRoutes = {
  run: route({
    method: 'post',
    path: '/v1/imports/:kind',
    scope: 'admin',
    tag: 'Imports',
    summary: `Start importing a CSV or NDJSON file of ${IMPORT_KINDS.join(', ')}`,
    description:
      `\`kind\` is one of ${IMPORT_KINDS.map((k) => `\`${k}\``).join(', ')}. ` +
      'Either upload the file (`text/csv` or `application/x-ndjson`, optionally with `Content-Encoding: gzip`): ' +
      'it is streamed to the import directory (KAIROS_IMPORT_DIR) and inflated on the way in; or send ' +
      '`application/json` `{"url": "file:///…"}` naming a file in one of KAIROS_IMPORT_SOURCE_DIRS. ' +
      'The answer comes as soon as the import job is started: 202 with Location `/v1/imports/:id`, where its ' +
      'progress shows. A worker imports it in chunks from a checkpoint, so a restart resumes where it was. ' +
      'Bad rows are reported, not fatal; a url that is not a file:// URL, lies outside those directories, does ' +
      'not exist or is not a file is a 400 naming `url`, with nothing stored.',
    params: z.object({ kind: z.enum(IMPORT_KINDS, { error: `must be one of ${IMPORT_KINDS.join(', ')}` }) }),
    body: z.union([
      z.string().meta({ description: 'The file, streamed: a CSV with a header row, or one JSON object per line' }),
      importSourceSchema,
    ]),
    read: 'stream',
    bodyTypes: ['text/csv', 'application/x-ndjson', 'application/json'],
    http: true,
    responses: { 202: { description: 'Started; Location names the import', schema: importReport } },
    errors: [415],
  }),
  list: route({
    method: 'get',
    path: '/v1/imports',
    scope: 'admin',
    tag: 'Imports',
    summary: 'Imports, most recent first, a page at a time',
    query: z.strictObject({
      before: z.string().min(1).max(200).optional().meta({ description: "The previous page's `nextBefore`" }),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    responses: { 200: { description: 'OK', schema: importPage } },
  }),
  get: route({
    method: 'get',
    path: '/v1/imports/:id',
    scope: 'admin',
    tag: 'Imports',
    summary: "An import's report, with its progress while it runs",
    params: importId,
    responses: { 200: { description: 'OK', schema: importReport } },
  }),
  cancel: route({
    method: 'delete',
    path: '/v1/imports/:id',
    scope: 'admin',
    tag: 'Imports',
    summary: 'Cancel a queued or running import',
    description:
      'The import stops at once: no batch is written after this answer, and rows written before it stay. ' +
      '409 if it has already ended.',
    params: importId,
    responses: { 202: { description: 'Cancelled', schema: importReport } },
    errors: [409],
  }),
};
