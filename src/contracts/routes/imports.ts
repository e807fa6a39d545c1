// Bulk imports: a CSV or NDJSON file streamed in, and the import's report.
import { z } from 'zod';
import { IMPORT_KINDS } from '../requests/import-kinds';
import { route } from '../route';
import { instant } from '../response-parts';

const importReport = z
  .strictObject({
    id: z.string(),
    kind: z.enum(IMPORT_KINDS),
    format: z.enum(['csv', 'ndjson']),
    status: z.enum(['running', 'completed', 'failed']),
    rowsOk: z.int(),
    rowsFailed: z.int(),
    errors: z
      .array(z.strictObject({ row: z.int(), path: z.string(), message: z.string() }))
      .meta({ description: 'The first 1,000 row errors; a stop reason, if any, comes last' }),
    startedAt: instant,
    finishedAt: instant.nullable(),
  })
  .meta({ id: 'ImportReport' });

export const importRoutes = {
  run: route({
    method: 'post',
    path: '/v1/imports/:kind',
    scope: 'admin',
    tag: 'Imports',
    summary: `Import a CSV or NDJSON file of ${IMPORT_KINDS.join(', ')}`,
    description:
      `\`kind\` is one of ${IMPORT_KINDS.map((k) => `\`${k}\``).join(', ')}. ` +
      `The answer comes once every row is in; bad rows are reported, not fatal. ` +
      `422 when the input breaks off (rows before it are imported).`,
    params: z.object({ kind: z.enum(IMPORT_KINDS, { error: `must be one of ${IMPORT_KINDS.join(', ')}` }) }),
    body: z.string().meta({ description: 'The file, streamed: a CSV with a header row, or one JSON object per line' }),
    read: 'stream',
    bodyTypes: ['text/csv', 'application/x-ndjson'],
    http: true,
    responses: { 201: { description: 'Imported; Location names the report', schema: importReport } },
    errors: [415, 422],
  }),
  get: route({
    method: 'get',
    path: '/v1/imports/:id',
    scope: 'admin',
    tag: 'Imports',
    summary: "An import's report, with progress while it runs",
    params: z.object({ id: z.string().min(1) }),
    responses: { 200: { description: 'OK', schema: importReport } },
  }),
};
