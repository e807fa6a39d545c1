// What POST /v1/imports/:kind takes: the kinds of file (its path) and their formats (its content type).
export const IMPORT_KINDS = ['customers', 'products', 'purchases'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
