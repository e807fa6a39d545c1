// Opens an import's file where its checkpoint left off. A plain file is read from that byte; a
// gzip file cannot be entered midway, so it is inflated from the start and the bytes before the
// checkpoint are dropped (inflating is far faster than importing them again).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The file is gone (an upload removed, a source deleted): retrying cannot help. */
export class ImportFileMissingError extends Error {}

export interface OpenedFile {
  stream: Readable;
  /** The offset in the (inflated) file reached so far. */
  position(): number;
  close(): void;
}

const CHUNK_BYTES = 256 * 1024;

export async function openImportFile(file: { path: string; gzip: boolean }, offset: number): Promise<OpenedFile> {
  await stat(file.path).catch(() => {
    throw new ImportFileMissingError(`the import's file ${file.path} no longer exists`);
  });
  const raw = createReadStream(file.path, { start: file.gzip ? 0 : offset, highWaterMark: CHUNK_BYTES });
  if (!file.gzip) return { stream: raw, position: () => offset + raw.bytesRead, close: () => raw.destroy() };
  let inflated = 0;
  const skip = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.min(chunk.length, Math.max(0, offset - inflated));
      inflated += chunk.length;
      done(null, from < chunk.length ? chunk.subarray(from) : undefined);
    },
  });
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  // A read error or bad gzip surfaces in the last stream, as the reader's InputError.
  const stream = pipeline(raw, gunzip, skip, () => undefined);
  return {
    stream,
    position: () => Math.max(inflated, offset),
    close: () => [raw, gunzip, skip].forEach((s) => s.destroy()),
  };
}
