// The Clock port: where use-cases read the time, so a test can fix it and a send's timestamps come
// from one place. Workflow code never uses it: workflows read Temporal's deterministic time.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
