// What a program's state means for a customer already in it, as the workflow asks at each step
// boundary (src/core/engine.ts): carry on, hold before sending, exit, or move to a
// newer version through the live release's step map.
import { z } from 'zod';
import type { Db } from '../db/prisma';
import { parseStored } from '../db/stored-json';
import { stepMapSchema } from '../contracts/program-language/program-schema';
import type { ControlTiming, ProgramControl } from '../core/calls';
import { PROGRAM_STATUSES } from './program-states';

const programStatus = z.enum(PROGRAM_STATUSES);

export const DEFAULT_CONTROL_TIMING: ControlTiming = { cacheMs: 60_000, pauseRecheckMs: 60_000 };

export async function loadProgramControl(
  db: Db,
  programId: string,
  version: number,
  timing: ControlTiming,
): Promise<ProgramControl> {
  const program = await db.program.findUniqueOrThrow({
    where: { id: programId },
    select: { status: true, liveVersion: true, versions: { where: { version }, select: { retiredReason: true } } },
  });
  const live =
    program.liveVersion !== null && program.liveVersion !== version
      ? await db.programVersion.findUnique({
          where: { programId_version: { programId, version: program.liveVersion } },
          select: { version: true, migratesFrom: true },
        })
      : null;
  const map = live?.migratesFrom
    ? parseStored(stepMapSchema, live.migratesFrom, {
        table: 'program_versions',
        column: 'migrates_from',
        id: `${programId} v${live.version}`,
      })
    : null;
  return {
    ...timing,
    status: parseStored(programStatus, program.status, { table: 'programs', column: 'status', id: programId }),
    retired: program.versions[0]?.retiredReason ?? null,
    migrateTo: map && map.fromVersion === version ? { version: live!.version, steps: map.steps } : null,
  };
}
