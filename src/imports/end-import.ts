// The end of an import job, whatever ended it: an import its chunks did not finish is marked
// failed (naming why) or cancelled, and an uploaded file is removed, since nothing reads it again.
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../db/prisma';
import type { ImportKind, ImportStatus } from '../contracts/requests/import-kinds';
import { removeUpload } from './import-files';
import { storableError, toReport } from './import-progress';

export interface ImportEnding {
  importId: string;
  /** Why the job gave up (its chunk failed for good); unset, it finished or was cancelled. */
  failure?: string;
  cancelled?: boolean;
}

export async function endImport(
  db: Db,
  ending: ImportEnding,
): Promise<{ kind: ImportKind; status: ImportStatus; rowsOk: number }> {
  const now = new Date();
  await db.$transaction(async (tx) => {
    const [open] = await tx.$queryRaw<{ line: number; errors: Prisma.InputJsonValue[] }[]>`
      SELECT line, errors FROM imports WHERE id = ${ending.importId} AND status IN ('queued', 'running') FOR UPDATE`;
    if (!open) return;
    // A driver's message may run over lines (Prisma's does): its last line says what happened.
    const failure =
      ending.failure
        ?.split('\n')
        .filter((l) => l.trim())
        .at(-1) ?? (ending.cancelled ? undefined : 'the import job ended before its file did');
    await tx.import.update({
      where: { id: ending.importId },
      data: {
        status: failure ? 'failed' : 'cancelled',
        finishedAt: now,
        updatedAt: now,
        owner: null,
        ...(failure
          ? {
              errors: [
                ...open.errors,
                storableError({ row: open.line + 1, path: '$', message: `import stopped: ${failure}` }),
              ],
            }
          : {}),
      },
    });
  });
  const row = await db.import.findUniqueOrThrow({ where: { id: ending.importId } });
  if (row.source === 'upload' && row.path) await removeUpload(row.path);
  const { kind, status, rowsOk } = toReport(row);
  return { kind, status, rowsOk };
}
