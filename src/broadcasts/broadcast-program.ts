// The program a broadcast sends through. It is an ordinary marketing program, so the contact
// policy (caps, quiet hours), consent, suppressions and the exactly-once message key apply to a
// broadcast exactly as to any journey. It enters once per customer on the broadcast's own
// `broadcast_requested` events, and its one step sends the template.
import type { ProgramDefinitionInput } from '../contracts/program-language/types';
import type { ProgramService } from '../programs/program-service';
import { BROADCAST_EVENT } from './broadcast-outbox';

export const broadcastProgramId = (broadcastId: string) => `broadcast-${broadcastId}`;

export function broadcastProgram(broadcast: { id: string; name: string; templateId: string }): ProgramDefinitionInput {
  return {
    name: `Broadcast: ${broadcast.name}`.slice(0, 200),
    entry: {
      event: BROADCAST_EVENT,
      where: { field: 'event.properties.broadcast', op: 'eq', value: broadcast.id },
      // A second event for one customer (a resend after a pause) can never mean a second message.
      reentry: { mode: 'once' },
    },
    start: 'send',
    steps: {
      send: { kind: 'send', channel: 'email', template: broadcast.templateId, next: 'done' },
      done: { kind: 'exit' },
    },
  };
}

/** Creates, publishes and launches the program; returns its id. */
export async function launchBroadcastProgram(
  programs: ProgramService,
  broadcast: { id: string; name: string; templateId: string },
  actor: string,
): Promise<string> {
  const id = broadcastProgramId(broadcast.id);
  await programs.create(id, broadcastProgram(broadcast), actor);
  const { version } = await programs.publish(id, actor);
  await programs.launch(id, version, actor);
  return id;
}

type Target = 'paused' | 'live' | 'stopped' | 'archived';

/**
 * Moves the program to `target` through the program states (src/programs/program-states.ts),
 * each move audited; a program already there is left alone, so a retried move changes nothing.
 */
export async function moveBroadcastProgram(
  programs: ProgramService,
  programId: string,
  target: Target,
  actor: string,
): Promise<void> {
  const { status } = await programs.get(programId);
  // Ended programs only move on: a stopped one is not stopped again, an archived one stays.
  if (status === target || status === 'archived' || (status === 'stopped' && target === 'stopped')) return;
  if (target === 'paused') await programs.changeState(programId, 'pause', actor);
  if (target === 'live') await programs.changeState(programId, 'resume', actor);
  if (target === 'stopped' || target === 'archived') {
    if (status !== 'stopped') await programs.changeState(programId, 'stop', actor);
    if (target === 'archived') await programs.changeState(programId, 'archive', actor);
  }
}
