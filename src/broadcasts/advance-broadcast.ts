// One step of a broadcast's run, for its workflow (workflows/broadcasts/broadcast-workflow.ts),
// which calls it, waits as long as it says (or until nudged) and calls it again. The broadcast
// row is the truth: the API's pause, resume and cancel change it, and each step acts on what it
// finds, so a lost nudge only delays a run, and a retried step changes nothing twice.
import { auditData } from '../audit/audit-log';
import type { Db } from '../db/prisma';
import { createProgramService } from '../programs/program-service';
import { enqueuePage, resendRefused, snapshotRecipients, undeliveredCount } from './broadcast-outbox';
import { moveBroadcastProgram } from './broadcast-program';
import { programTotals } from './broadcast-progress';

export interface AdvanceInput {
  broadcastId: string;
  /** The send time has come (the workflow's timer): a scheduled broadcast starts. */
  due: boolean;
  /**
   * Recipients per page; the next page goes in once fewer than half a page wait in the outbox and
   * fewer than two pages' recipients are delivered and not yet through the program.
   */
  pageSize: number;
  /** How often to look again while events wait for the relay or customers are in the program. */
  pollMs: number;
  /**
   * Once every event is delivered, how long entries must have stopped before the run completes
   * without the recipients who have not entered (merged or erased since the snapshot).
   */
  settleMs: number;
}

export type AdvanceStep = { done: true; status: string } | { done: false; waitMs: number };

/** While paused the run only waits for a nudge; this long between looks in case one was lost. */
const PAUSED_LOOK_MS = 60_000;

export function createAdvanceBroadcast(db: Db) {
  const programs = createProgramService(db);

  return async function advanceBroadcast(input: AdvanceInput): Promise<AdvanceStep> {
    const { broadcastId: id } = input;
    let b = await db.broadcast.findUniqueOrThrow({ where: { id } });
    if (b.status === 'completed' || b.status === 'cancelled') {
      // Ended: its program too, should the move that ends it have failed after the row changed.
      const target = b.status === 'completed' ? 'archived' : 'stopped';
      await moveBroadcastProgram(programs, b.programId, target, `broadcast:${id}`);
      return { done: true, status: b.status };
    }
    if (b.status === 'paused' || (b.status === 'scheduled' && !input.due))
      return { done: false, waitMs: PAUSED_LOOK_MS };
    if (b.status === 'scheduled') {
      await db.$transaction((tx) => snapshotRecipients(tx, id));
      b = await db.broadcast.findUniqueOrThrow({ where: { id } });
      if (b.status !== 'running') return { done: false, waitMs: 0 };
    }
    if (b.pausedAt) await resendAfterPause(id, b.programId, b.pausedAt);
    const wait: AdvanceStep = { done: false, waitMs: input.pollMs };
    const undelivered = await undeliveredCount(db, id);
    if (!b.enqueuedAllAt && undelivered >= input.pageSize / 2) return wait;
    if (b.enqueuedAllAt && undelivered > 0) return wait;
    const { entered, finished } = await programTotals(db, b.programId);
    // When entries last moved (or the run last pushed past a stall): both the pages and the
    // completion wait for them to stop.
    let movedAt = b.enteredChangedAt?.getTime() ?? b.startedAt?.getTime() ?? Date.now();
    if (entered !== b.enteredSeen) {
      movedAt = Date.now();
      await db.broadcast.update({ where: { id }, data: { enteredSeen: entered, enteredChangedAt: new Date(movedAt) } });
    }
    const quiet = (since: number) => Date.now() - since >= input.settleMs;
    if (!b.enqueuedAllAt) {
      // Back-pressure: each delivered event is a task for a customer's workflow on the shared task
      // queue, behind which every other customer's events (and this run's own next step) wait. So
      // at most two pages are delivered and not yet through the program. Recipients who will never
      // enter (merged or erased since the snapshot) count against that until entries stop for
      // settleMs; then one page goes in anyway, and the clock starts again.
      const inProgram = b.enqueued - undelivered - finished;
      if (inProgram < 2 * input.pageSize) await enqueuePage(db, id, input.pageSize);
      else if (quiet(movedAt)) {
        await enqueuePage(db, id, input.pageSize);
        await db.broadcast.update({ where: { id }, data: { enteredChangedAt: new Date() } });
      }
      return wait;
    }
    const deliveredAllAt = b.deliveredAllAt ?? new Date();
    if (!b.deliveredAllAt) await db.broadcast.update({ where: { id }, data: { deliveredAllAt } });
    const everyoneIn = entered >= b.enqueued;
    // Quiet since the later of the last delivery and the last entry: a worker still working off
    // delivered signals keeps entering recipients, and completing archives the program under them.
    const settled = quiet(Math.max(deliveredAllAt.getTime(), movedAt));
    if (finished < entered || !(everyoneIn || settled)) return wait;
    if (await complete(id, b.programId, Math.max(0, (b.targeted ?? 0) - entered)))
      return { done: true, status: 'completed' };
    return { done: false, waitMs: 0 };
  };

  /** Recipients whose event reached the program while it was paused get another, once per pause. */
  async function resendAfterPause(id: string, programId: string, pausedAt: Date): Promise<void> {
    await db.$transaction(async (tx) => {
      const resent = await resendRefused(tx, id, programId, `resent-${pausedAt.getTime()}`);
      await tx.broadcast.updateMany({
        where: { id, pausedAt, status: 'running' },
        data: { pausedAt: null, resent: { increment: resent } },
      });
    });
  }

  /** Completes a running broadcast (one paused or cancelled meanwhile stays as it is). */
  async function complete(id: string, programId: string, unreached: number): Promise<boolean> {
    const actor = `broadcast:${id}`;
    const completed = await db.$transaction(async (tx) => {
      const { count } = await tx.broadcast.updateMany({
        where: { id, status: 'running' },
        data: { status: 'completed', finishedAt: new Date(), unreached },
      });
      if (count > 0)
        await tx.auditEntry.create({
          data: auditData({ actor, action: 'broadcast.complete', resource: actor, after: { unreached } }),
        });
      return count > 0;
    });
    // Nobody is left in it: filed away, so its entry stops being a candidate for other broadcasts' events.
    if (completed) await moveBroadcastProgram(programs, programId, 'archived', actor);
    return completed;
  }
}
