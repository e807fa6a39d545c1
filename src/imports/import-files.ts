// Where an import's file comes from, decided in the API before anything is stored: an upload,
// streamed into the import directory (inflated on the way in, never held in memory), or a file://
// URL, which must name a readable file inside one of the directories imports may read.
import { createWriteStream } from 'node:fs';
import { mkdir, open, realpath, stat, unlink } from 'node:fs/promises';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import type { ImportFormat, ImportSource } from '../contracts/requests/import-kinds';
import type { FieldIssue } from '../core/errors';

export interface ImportStorage {
  /** Where uploads are stored until their import ends (KAIROS_IMPORT_DIR). */
  uploadDir: string;
  /** The directories a file:// source may be in (KAIROS_IMPORT_SOURCE_DIRS). */
  sourceDirs: string[];
}

/** The file an import reads, as its workflow will open it. */
export interface ImportFile {
  path: string;
  format: ImportFormat;
  /** Inflated as it is read (a `.gz` file source; uploads are stored inflated). */
  gzip: boolean;
  /** Unknown for a gzip source until it has been read. */
  bytesTotal: number | null;
}

/** The source or the upload is refused, naming the field; nothing has been stored. */
export class ImportSourceError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

const refuse = (path: string, message: string) => new ImportSourceError([{ path, message }]);
const FORMAT_OF: Record<string, ImportFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

export async function resolveFileSource(source: ImportSource, dirs: readonly string[]): Promise<ImportFile> {
  let named: string;
  try {
    named = resolve(fileURLToPath(source.url));
  } catch (err) {
    throw refuse('$.url', `must name a file on this machine (${(err as Error).message})`);
  }
  // Lexically first, so a path outside the directories says nothing about what exists there.
  const outside = `is outside the directories imports may read (${dirs.join(', ') || 'none configured'})`;
  if (!within(named, dirs)) throw refuse('$.url', outside);
  const real = await realpath(named).catch(() => {
    throw refuse('$.url', `names no file: ${named} does not exist`);
  });
  // A symbolic link inside may point outside.
  const realDirs = await Promise.all(dirs.map((d) => realpath(d).catch(() => d)));
  if (!within(real, realDirs)) throw refuse('$.url', outside);
  const info = await stat(real);
  if (!info.isFile())
    throw refuse('$.url', `is not a file: ${named} is a ${info.isDirectory() ? 'directory' : 'special file'}`);
  const gzip = await isGzip(real).catch(() => {
    throw refuse('$.url', `cannot be read: ${named}`);
  });
  const plainName = gzip ? real.replace(/\.gz$/i, '') : real;
  const format = source.format ?? FORMAT_OF[extname(plainName).toLowerCase()];
  if (!format)
    throw refuse('$.format', 'is required: the file name does not end in .csv, .ndjson or .jsonl (before any .gz)');
  return { path: real, format, gzip, bytesTotal: gzip ? null : info.size };
}

function within(path: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => isAbsolute(dir) && (path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep)));
}

async function isGzip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await file.close();
  }
}

/**
 * Streams an upload into `<uploadDir>/<id>.<format>`, inflating a gzip body. A broken upload or
 * bad gzip leaves no file behind and is refused naming the body.
 */
export async function saveUpload(
  body: Readable,
  input: { uploadDir: string; id: string; format: ImportFormat; gzip: boolean },
): Promise<ImportFile> {
  await mkdir(input.uploadDir, { recursive: true });
  const path = join(resolve(input.uploadDir), `${input.id}.${input.format}`);
  const out = createWriteStream(path, { flags: 'wx' });
  try {
    await (input.gzip ? pipeline(body, createGunzip(), out) : pipeline(body, out));
  } catch (err) {
    await unlink(path).catch(() => undefined);
    const e = err as { code?: string; message?: string };
    if (e.code?.startsWith('Z_')) throw refuse('$', `the body is not valid gzip (${e.message})`);
    if (e.code === 'ECONNRESET' || e.code === 'ERR_STREAM_PREMATURE_CLOSE' || e.message === 'aborted')
      throw refuse('$', 'the upload was interrupted');
    throw err;
  }
  return { path, format: input.format, gzip: false, bytesTotal: (await stat(path)).size };
}

/** Removes a stored upload once its import has ended; a file already gone is fine. */
export async function removeUpload(path: string): Promise<void> {
  await unlink(path).catch((err: { code?: string }) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
