// What POST /v1/imports/:kind takes: the kinds of file (its path), their formats (the upload's
// content type, or a file:// source's `format` or extension), a file:// source, and the states
// an import job goes through.
import { z } from 'zod';
import { storable } from '../schema-parts';

export const IMPORT_KINDS = ['customers', 'products', 'purchases'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** queued (stored, its workflow not yet at work), running, then one of the last three for good. */
export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** A file on the machine's own storage, in one of the directories imports may read (KAIROS_IMPORT_SOURCE_DIRS). */
export const importSourceSchema = z.strictObject({
  url: z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
    .max(4096, 'must be at most 4096 characters')
    .check(storable)
    .refine((u) => URL.canParse(u) && new URL(u).protocol === 'file:', {
      error: (i) => {
        const u = String(i.input);
        const scheme = URL.canParse(u) ? new URL(u).protocol : undefined;
        return scheme
          ? `must be a file:// URL, not ${scheme}//`
          : 'must be a file:// URL such as file:///data/customers.csv';
      },
    })
    .meta({ description: 'A file:// URL; `.gz` files are inflated as they are read' }),
  format: z
    .enum(IMPORT_FORMATS, { error: `must be one of ${IMPORT_FORMATS.join(', ')}` })
    .optional()
    .meta({ description: 'Unset: from the extension (`.csv`, `.ndjson` or `.jsonl`, before any `.gz`)' }),
});
export type ImportSource = z.output<typeof importSourceSchema>;
