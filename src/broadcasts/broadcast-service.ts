// Broadcasts: create one (checked, then its program, its row and its run), read them with their
// progress, and pause, resume or cancel one. Each change is audited. The run itself is
// workflows/broadcasts/broadcast-workflow.ts, stepping through src/broadcasts/advance-broadcast.ts.
import { randomBytes } from 'node:crypto';
import { auditData } from '../audit/audit-log';
import type { CreateBroadcast } from '../contracts/requests/broadcast-schema';
import { ConflictError, InvalidError, NotFoundError, type FieldIssue } from '../core/errors';
import type { Db } from '../db/prisma';
import type { ProgramService } from '../programs/program-service';
import { deferUndelivered, releaseDeferred, withdrawUndelivered } from './broadcast-outbox';
import { launchBroadcastProgram, moveBroadcastProgram } from './broadcast-program';
import { broadcastProgress } from './broadcast-progress';
import type { BroadcastRuns } from './broadcast-runs';

/** Which statuses each change is allowed from, and where it leads. */
const MOVES = {
  pause: { from: ['scheduled', 'running'], program: 'paused' },
  resume: { from: ['paused'], program: 'live' },
  cancel: { from: ['scheduled', 'running', 'paused'], program: 'stopped' },
} as const;

type Move = keyof typeof MOVES;

export function createBroadcastService(deps: { db: Db; programs: ProgramService; runs: BroadcastRuns }) {
  const { db, programs, runs } = deps;

  async function get(id: string) {
    const [view, counts] = await Promise.all([
      db.broadcast.findUnique({ where: { id }, omit: internals }),
      db.broadcast.findUnique({
        where: { id },
        select: { id: true, programId: true, targeted: true, enqueued: true, resent: true, unreached: true },
      }),
    ]);
    if (!view || !counts) throw new NotFoundError(`broadcast ${id}`);
    return { ...view, progress: await broadcastProgress(db, counts) };
  }

  /** Every problem with the request, by field, before anything is written. */
  async function problems(input: CreateBroadcast): Promise<FieldIssue[]> {
    const [segment, template] = await Promise.all([
      db.segment.findUnique({ where: { id: input.segmentId }, select: { archivedAt: true } }),
      db.template.findUnique({ where: { id: input.templateId }, select: { channel: true } }),
    ]);
    const issues: FieldIssue[] = [];
    if (!segment) issues.push({ path: '$.segmentId', message: `segment ${input.segmentId} does not exist` });
    else if (segment.archivedAt)
      issues.push({ path: '$.segmentId', message: `segment ${input.segmentId} is archived` });
    if (!template) issues.push({ path: '$.templateId', message: `template ${input.templateId} does not exist` });
    if (input.sendAt && Date.parse(input.sendAt) < Date.now())
      issues.push({ path: '$.sendAt', message: 'must not be in the past' });
    return issues;
  }

  return {
    get,
    list: () => db.broadcast.findMany({ orderBy: { createdAt: 'desc' }, omit: internals }),

    async create(input: CreateBroadcast, actor: string) {
      const issues = await problems(input);
      if (issues.length) throw new InvalidError('Invalid broadcast', issues);
      const id = `bc_${randomBytes(6).toString('hex')}`;
      const sendAt = input.sendAt ? new Date(input.sendAt) : null;
      const programId = await launchBroadcastProgram(programs, { id, ...input }, actor);
      try {
        await db.$transaction([
          db.broadcast.create({ data: { id, ...input, sendAt, programId, status: 'scheduled', createdBy: actor } }),
          db.auditEntry.create({
            data: auditData({
              actor,
              action: 'broadcast.create',
              resource: `broadcast:${id}`,
              after: { ...input, programId },
            }),
          }),
        ]);
      } catch (err) {
        // No broadcast, no program: it would stand live for nobody.
        await moveBroadcastProgram(programs, programId, 'stopped', actor);
        throw err;
      }
      try {
        await runs.start({ broadcastId: id, sendAt: sendAt?.toISOString() ?? null });
      } catch (err) {
        // No run, no broadcast: cancelled, so it does not stand scheduled with nobody to send it.
        await change(id, 'cancel', actor, 'its workflow could not be started');
        throw err;
      }
      return get(id);
    },

    async pause(id: string, actor: string) {
      await change(id, 'pause', actor);
      return get(id);
    },
    async resume(id: string, actor: string) {
      await change(id, 'resume', actor);
      return get(id);
    },
    async cancel(id: string, actor: string) {
      await change(id, 'cancel', actor);
      return get(id);
    },
  };

  /**
   * The program moves first, so a program that cannot move (changed by hand) leaves the broadcast
   * as it was; then the row and the outbox in one transaction, under a compare-and-set on the
   * status; then the run is nudged. A lost nudge only delays the run until it looks again.
   */
  async function change(id: string, move: Move, actor: string, reason?: string): Promise<void> {
    const before = await db.broadcast.findUnique({ where: { id } });
    if (!before) throw new NotFoundError(`broadcast ${id}`);
    const { from, program } = MOVES[move];
    const allowed = (from as readonly string[]).includes(before.status);
    if (!allowed)
      throw new ConflictError(`cannot ${move} a ${before.status} broadcast: only from ${from.join(' or ')}`);
    // Resumed before it started, it is scheduled again; its run starts it at the send time.
    const status =
      move === 'pause' ? 'paused' : move === 'cancel' ? 'cancelled' : before.startedAt ? 'running' : 'scheduled';
    await moveBroadcastProgram(programs, before.programId, program, actor);
    await db.$transaction(async (tx) => {
      const { count } = await tx.broadcast.updateMany({
        where: { id, status: before.status },
        data: {
          status,
          ...(move === 'pause' ? { pausedAt: new Date() } : {}),
          ...(move === 'cancel' ? { finishedAt: new Date() } : {}),
        },
      });
      if (count === 0) throw new ConflictError(`broadcast ${id} changed meanwhile; read it and try again`);
      if (move === 'pause') await deferUndelivered(tx, id);
      if (move === 'resume') await releaseDeferred(tx, id);
      if (move === 'cancel') await withdrawUndelivered(tx, id);
      await tx.auditEntry.create({
        data: auditData({
          actor,
          action: `broadcast.${move}`,
          resource: `broadcast:${id}`,
          before: { status: before.status },
          after: { status, ...(reason ? { reason } : {}) },
        }),
      });
    });
    // The row is the truth and the run looks at it again within a minute: a nudge that cannot be
    // delivered (Temporal away) delays the run, and the change stands.
    await runs.nudge(id).catch(() => undefined);
  }
}

/** The run's bookkeeping, not part of a broadcast's answer. */
const internals = {
  targeted: true,
  enqueued: true,
  resent: true,
  unreached: true,
  cursor: true,
  pausedAt: true,
  enqueuedAllAt: true,
  deliveredAllAt: true,
  enteredSeen: true,
  enteredChangedAt: true,
} as const;

export type BroadcastService = ReturnType<typeof createBroadcastService>;
