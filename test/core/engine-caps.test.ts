// The contact policy as the engine applies it across a customer's programs: frequency caps per
// channel over a rolling window, slots held by sends still under way, transactional programs
// outside the caps, and quiet hours held or skipped.
import type { ProgramDefinitionInput } from '../../src/contracts/program-language/types';
import { HOUR, T0, World } from './harness';

type Priority = ProgramDefinitionInput['priority'];

/** A program entered on `go` that sends one message on `channel` and exits. */
function sender(
  name: string,
  channel: 'email' | 'webhook' = 'email',
  priority: Priority = 'marketing',
  quietHours: 'hold' | 'skip' = 'hold',
): ProgramDefinitionInput {
  return {
    name,
    priority,
    quietHours,
    entry: { event: 'go' },
    start: 's',
    steps: {
      s: {
        kind: 'send',
        channel,
        template: name,
        ...(channel === 'webhook' ? { url: 'https://hook.example/' } : {}),
        next: 'x',
      },
      x: { kind: 'exit' },
    },
  };
}

const oneEmailADay = {
  caps: [{ channel: 'email', max: 1, within: '24h', withinMs: 86_400_000 }],
  quietHours: null,
  timeZone: null,
};
const outcome = (w: World, program: string) =>
  w.records.find((r) => r.programId === program && r.kind === 'send')?.outcome;

describe('caps across programs on one channel', () => {
  test('the second program to send in the window is skipped by the cap; another channel is not', () => {
    const w = new World()
      .addProgram('a', sender('a'))
      .addProgram('b', sender('b'))
      .addProgram('hook', sender('hook', 'webhook'));
    w.policy = oneEmailADay;
    w.event('go');
    expect([outcome(w, 'a'), outcome(w, 'b'), outcome(w, 'hook')]).toEqual([
      'sent',
      'skipped: cap (1 per 24h)',
      'sent',
    ]);
    // A skipped send is still handed over (with its reason), so the message log shows it.
    expect(w.messages().find((m) => m.programId === 'b')!.skipReason).toBe('cap (1 per 24h)');
    expect(w.sent().map((m) => m.programId)).toEqual(['a', 'hook']);
  });

  test('the window rolls: a send exactly `within` after the last one goes, one inside it does not', () => {
    const w = new World().addProgram('a', sender('a'));
    w.policy = {
      caps: [{ channel: 'email', max: 2, within: '24h', withinMs: 86_400_000 }],
      quietHours: null,
      timeZone: null,
    };
    for (const t of [0, 12 * HOUR, 20 * HOUR, 24 * HOUR, 36 * HOUR]) {
      w.advanceTo(T0 + t);
      w.event('go');
    }
    expect(w.records.filter((r) => r.kind === 'send').map((r) => r.outcome)).toEqual([
      'sent',
      'sent',
      'skipped: cap (2 per 24h)',
      'sent',
      'sent',
    ]);
  });
});

describe('a slot held by a send still under way', () => {
  /** Program a's send is held by the world until the test answers it. */
  function heldSend(): World {
    const w = new World().addProgram('a', sender('a')).addProgram('b', sender('b'));
    w.policy = oneEmailADay;
    w.answer = (c) =>
      c.name === 'sendMessage' && (c.args as { programId: string }).programId === 'a' ? 'hold' : undefined;
    w.event('go');
    return w;
  }

  test('makes a capped send wait, without asking anything or taking a slot', () => {
    const w = heldSend();
    expect(w.messages().map((m) => m.programId)).toEqual(['a']);
    expect(outcome(w, 'b')).toBeUndefined();
    expect(w.state.contactLog).toEqual([expect.objectContaining({ programId: 'a', pending: true })]);
    expect(w.quiescent()).toBe(false); // not safe to carry: b is mid-send
  });

  test('then skips it when the other message went out', () => {
    const w = heldSend();
    w.respond(w.pendingNamed('sendMessage')[0]!, { value: { status: 'sent', providerMessageId: 'x' } });
    w.settle();
    expect([outcome(w, 'a'), outcome(w, 'b')]).toEqual(['sent', 'skipped: cap (1 per 24h)']);
    expect(w.quiescent()).toBe(true);
  });

  test('then sends it when the other gave its slot back (skipped by the provider)', () => {
    const w = heldSend();
    w.respond(w.pendingNamed('sendMessage')[0]!, { value: { status: 'skipped', reason: 'unsubscribed' } });
    w.settle();
    expect([outcome(w, 'a'), outcome(w, 'b')]).toEqual(['skipped: unsubscribed', 'sent']);
    expect(w.state.contactLog).toEqual([{ channel: 'email', programId: 'b', at: T0 }]);
  });

  test('then sends it when the other send failed for good (its enrollment ends with an error)', () => {
    const w = heldSend();
    w.respond(w.pendingNamed('sendMessage')[0]!, { failure: 'provider rejected the request' });
    w.settle();
    expect(w.records.filter((r) => r.programId === 'a').map((r) => `${r.kind} ${r.outcome}`)).toEqual([
      'enter entered',
      'error failed',
      'exit error',
    ]);
    expect(outcome(w, 'b')).toBe('sent');
  });
});

describe('transactional programs', () => {
  test('do not count against the caps, and are not capped', () => {
    const w = new World()
      .addProgram('receipt', sender('receipt', 'email', 'transactional'))
      .addProgram('promo', sender('promo'));
    w.policy = oneEmailADay;
    w.event('go');
    w.event('go');
    expect(
      w
        .sent()
        .map((m) => m.programId)
        .sort(),
    ).toEqual(['promo', 'receipt', 'receipt']);
    expect(w.records.filter((r) => r.programId === 'promo' && r.kind === 'send').map((r) => r.outcome)).toEqual([
      'sent',
      'skipped: cap (1 per 24h)',
    ]);
    expect(w.state.contactLog.filter((c) => c.transactional)).toHaveLength(2);
  });

  test('send inside quiet hours without reading the policy', () => {
    const w = new World(undefined, Date.parse('2026-06-01T22:00:00Z')).addProgram(
      'receipt',
      sender('receipt', 'email', 'transactional'),
    );
    w.policy = { caps: [], quietHours: { start: '21:00', end: '08:00' }, timeZone: 'UTC' };
    w.event('go');
    expect(outcome(w, 'receipt')).toBe('sent');
    expect(w.callsNamed('loadContactPolicy')).toEqual([]);
  });
});

describe('quiet hours', () => {
  // 22:00 in Ljubljana (CEST, UTC+2); quiet 21:00-08:00 local.
  const NIGHT = Date.parse('2026-06-01T20:00:00Z');
  const quiet = { caps: [], quietHours: { start: '21:00', end: '08:00' }, timeZone: 'Europe/Ljubljana' };

  test('hold: the send waits for the end of quiet hours in the customer zone, then goes', () => {
    const w = new World(undefined, NIGHT).addProgram('a', sender('a'));
    w.policy = quiet;
    w.event('go');
    expect(w.messages()).toEqual([]);
    expect(w.quiescent()).toBe(true);
    w.runToEnd();
    const morning = Date.parse('2026-06-02T06:00:00Z');
    expect(w.messages()).toEqual([expect.objectContaining({ scheduledAt: morning })]);
    expect(w.records.find((r) => r.kind === 'send')).toMatchObject({ outcome: 'sent', at: morning });
  });

  test('skip: the send is skipped at once with the reason, and takes no slot', () => {
    const w = new World(undefined, NIGHT).addProgram('a', sender('a', 'email', 'marketing', 'skip'));
    w.policy = quiet;
    w.event('go');
    expect(outcome(w, 'a')).toBe('skipped: quiet hours');
    expect(w.messages()[0]!.skipReason).toBe('quiet hours');
    expect(w.state.contactLog).toEqual([]);
  });

  // Quiet hours are judged once, when the policy is read; the two tests below let the send go
  // on later (after a slot came back, after a slow program-state read) inside quiet hours.
  test('a send that waited for another send’s slot past the start of quiet hours holds until they end', () => {
    const w = new World(undefined, Date.parse('2026-06-01T21:00:00Z'))
      .addProgram('a', sender('a'))
      .addProgram('b', sender('b'));
    w.policy = {
      caps: [{ channel: 'email', max: 1, within: '24h', withinMs: 86_400_000 }],
      quietHours: { start: '22:00', end: '07:00' },
      timeZone: 'UTC',
    };
    w.answer = (c) =>
      c.name === 'sendMessage' && (c.args as { programId: string }).programId === 'a' ? 'hold' : undefined;
    w.event('go');
    w.now = Date.parse('2026-06-01T23:00:00Z'); // a's provider call comes back late: unsubscribed
    w.respond(w.pendingNamed('sendMessage')[0]!, { value: { status: 'skipped', reason: 'unsubscribed' } });
    w.runToEnd();
    expect(
      w
        .messages()
        .filter((m) => m.programId === 'b')
        .map((m) => new Date(m.scheduledAt).toISOString()),
    ).toEqual(['2026-06-02T07:00:00.000Z']);
  });

  test('a send whose re-check after quiet hours comes back after they began again holds again', () => {
    const w = new World(undefined, Date.parse('2026-06-01T23:00:00Z')).addProgram('a', sender('a'));
    w.policy = { caps: [], quietHours: { start: '22:00', end: '07:00' }, timeZone: 'UTC' };
    w.event('go');
    w.answer = (c) => (c.name === 'programControl' ? 'hold' : undefined);
    w.advanceTo(Date.parse('2026-06-02T07:00:00Z')); // quiet hours end: the program state is read again
    w.now = Date.parse('2026-06-02T22:30:00Z'); // the read comes back (a database outage) in the next night
    w.respond(w.pendingNamed('programControl')[0]!, {
      value: { status: 'live', retired: null, migrateTo: null, cacheMs: 0, pauseRecheckMs: HOUR },
    });
    w.answer = () => undefined;
    w.runToEnd();
    expect(w.messages().map((m) => new Date(m.scheduledAt).toISOString())).toEqual(['2026-06-03T07:00:00.000Z']);
  });

  test("without a zone in the policy, the program's zone decides", () => {
    const w = new World(undefined, NIGHT).addProgram('a', { ...sender('a'), timezone: 'Asia/Tokyo' }); // 05:00 in Tokyo
    w.policy = { ...quiet, timeZone: null };
    w.event('go');
    w.runToEnd();
    expect(w.messages()[0]!.scheduledAt).toBe(Date.parse('2026-06-01T23:00:00Z')); // 08:00 JST
  });
});
