// Bulk imports as activities (workflows/imports/import-workflow.ts): one chunk of an import from
// its checkpoint, heartbeating after every batch, and the import's end. The computed traits of the
// customers each customers or purchases batch wrote are refreshed in that batch's transaction.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { endImport, type ImportEnding } from '../src/imports/end-import';
import { runImportChunk, type ChunkOutcome } from '../src/imports/import-chunk';
import { ImportFileMissingError } from '../src/imports/import-file-reader';
import { refreshCustomerTraits } from '../src/traits/refresh-traits';
import type { ActivityDeps } from './deps';

const DEFAULT_IMPORT_TUNING = { batchSize: 5000, chunkMs: 60_000 };

export function createImportActivities({ db, logger, imports }: Pick<ActivityDeps, 'db' | 'logger' | 'imports'>) {
  const tuning = imports ?? DEFAULT_IMPORT_TUNING;
  return {
    async importChunk(input: { importId: string }): Promise<ChunkOutcome> {
      const context = Context.current();
      if (context.info.attempt > 1)
        logger.info(
          { importId: input.importId, attempt: context.info.attempt, last: context.info.heartbeatDetails },
          'import chunk resumed from its checkpoint',
        );
      try {
        const outcome = await runImportChunk(db, input.importId, {
          ...tuning,
          signal: context.cancellationSignal,
          written: (tx, customerIds) => refreshCustomerTraits(tx, customerIds),
          checkpointed: ({ bytes, line, rowsOk, rowsFailed }) => context.heartbeat({ bytes, line, rowsOk, rowsFailed }),
        });
        // Stopped for a cancel or a worker shutdown: the attempt ends as cancelled, and a retry
        // (on shutdown) resumes from the checkpoint.
        if (outcome === 'more' && context.cancellationSignal.aborted) await context.cancelled;
        return outcome;
      } catch (err) {
        if (err instanceof ImportFileMissingError)
          throw ApplicationFailure.nonRetryable(err.message, 'ImportFileMissing');
        throw err;
      }
    },

    async endImport(ending: ImportEnding) {
      return endImport(db, ending);
    },
  };
}
