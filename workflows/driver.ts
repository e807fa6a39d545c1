// The thin layer between the engine (src/core/engine.ts) and Temporal: feeds it inputs stamped
// with workflow time, and carries out its commands: calls become activities (reads local and one
// at a time), step records are written in batches (or carried by the next remote call), wake-ups
// become one timer for the earliest.
import { CancellationScope, isCancellation, log, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { StepRecord } from '../src/core/calls';
import { advance } from '../src/core/engine';
import { nextWakeAt, quiescent, startJourney, type Command, type Input, type Journey } from '../src/core/journey';
import type { CustomerState } from '../src/core/state';
import { local, records, remote } from './activities';
import { failureReason } from './failures';
import { INTERPRETER_VERSION, INTERPRETER_VERSION_KEY, PROGRAMS_KEY } from './search-attributes';

/** Step records written per batch. */
const BATCH = 200;

type Call = Extract<Command, { type: 'call' }>;
/** An input as signals and callbacks give it: the driver stamps the time. */
type WithoutNow<I> = I extends unknown ? Omit<I, 'now'> : never;
type InputWithoutNow = WithoutNow<Input>;
type AnyActivity = (args: unknown, records?: StepRecord[]) => Promise<unknown>;

export class Driver {
  readonly journey: Journey;
  /** Events fed in this run. */
  events = 0;
  private readonly unwritten: StepRecord[] = [];
  private writing = false;
  /** Local activities run one at a time: run beside each other, one can be resolved with
   * another's result on replay (a known SDK hazard); in sequence there is only one order. */
  private localTail: Promise<unknown> = Promise.resolve();
  private localsInFlight = 0;
  private timer: { at: number; scope: CancellationScope } | null = null;

  constructor(state: CustomerState) {
    this.journey = startJourney(state);
  }

  feed(input: InputWithoutNow): void {
    if (input.type === 'event') this.events++;
    for (const command of advance(this.journey, { ...input, now: Date.now() } as Input)) this.execute(command);
    this.writeRecords();
    this.armTimer();
  }

  /** Nothing in flight and every record written: the run may continue as new or end. */
  idle(): boolean {
    return quiescent(this.journey) && this.unwritten.length === 0 && !this.writing;
  }

  private execute(command: Command): void {
    switch (command.type) {
      case 'call':
        return this.call(command);
      case 'record':
        this.unwritten.push(command.record);
        return;
      case 'publish':
        upsertSearchAttributes([
          { key: PROGRAMS_KEY, value: command.programs },
          { key: INTERPRETER_VERSION_KEY, value: INTERPRETER_VERSION },
        ]);
        return;
      case 'log':
        log[command.level](command.message, command.data);
        return;
    }
  }

  private call(command: Call): void {
    // A remote call takes the records made so far (activities/index.ts): one write fewer, and no
    // activation for it.
    const carried = command.local ? [] : this.unwritten.splice(0, BATCH);
    const result = command.local
      ? this.oneAtATime(() => (local[command.name] as AnyActivity)(command.args))
      : (remote[command.name] as AnyActivity)(command.args, carried);
    result.then(
      (value) => this.feed({ type: 'result', callId: command.id, value }),
      (err: unknown) => {
        if (isCancellation(err)) return;
        const reason = failureReason(err);
        // Written by its first attempt unless the database was away throughout: say they may be lost.
        if (carried.length) {
          log.warn('step records carried by a failed call may not be written', {
            call: command.name,
            count: carried.length,
            first: carried[0]?.id,
            reason,
          });
        }
        this.feed({ type: 'failure', callId: command.id, reason });
      },
    );
  }

  private oneAtATime<T>(run: () => Promise<T>): Promise<T> {
    this.localsInFlight++;
    const next = this.localTail.then(run).finally(() => this.localsInFlight--);
    this.localTail = next.catch(() => undefined);
    return next;
  }

  /**
   * Writes buffered records once no event is waiting and no read is in flight (a burst of events
   * costs one write), when a batch is full, or before the run hands over. A send in flight does
   * not hold them back: a provider outage may last hours, and analytics read these rows.
   */
  private writeRecords(): void {
    if (this.writing || this.unwritten.length === 0) return;
    const { run, state } = this.journey;
    const calm = run.planning === null && state.inbox.length === 0 && this.localsInFlight === 0;
    if (!calm && !run.handingOver && this.unwritten.length < BATCH) return;
    this.writing = true;
    const batch = this.unwritten.splice(0, BATCH);
    this.oneAtATime(() => records.recordSteps(batch)).then(
      () => this.wrote(),
      (err: unknown) => {
        // Only after the retry bound: the records are lost, the journeys go on.
        if (!isCancellation(err))
          log.error('step records not written', {
            count: batch.length,
            first: batch[0]?.id,
            reason: failureReason(err),
          });
        this.wrote();
      },
    );
  }

  private wrote(): void {
    this.writing = false;
    this.writeRecords();
  }

  /** One timer, for the earliest wake-up; replaced only when that changes. */
  private armTimer(): void {
    const at = nextWakeAt(this.journey);
    if (at === this.timer?.at) return;
    this.timer?.scope.cancel();
    this.timer = null;
    if (at === null) return;
    const scope = new CancellationScope();
    this.timer = { at, scope };
    scope
      .run(() => sleep(Math.max(1, at - Date.now())))
      .then(
        () => {
          // A timer that fired in the same activation as a feed which replaced it is stale: the
          // newer one is tracked, and must stay so (else it could never be cancelled).
          if (this.timer?.scope !== scope) return;
          this.timer = null;
          this.feed({ type: 'tick' });
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
  }
}
