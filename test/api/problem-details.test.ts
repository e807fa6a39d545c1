// The one place errors become HTTP answers: each domain error kind (src/core/errors.ts) gets its
// status, title and detail as problem+json, a 503 says when to retry, and anything unknown is a
// 500 that names nothing of its cause.
import pino from 'pino';
import type { Request, Response } from 'express';
import { problemHandler } from '../../src/api/errors';
import { ConflictError, InvalidError, NotFoundError, RejectedError, UnavailableError } from '../../src/core/errors';

function answer(err: unknown) {
  const sent: { status?: number; headers: Record<string, string>; type?: string; body?: unknown } = { headers: {} };
  const res = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
    },
    type(t: string) {
      sent.type = t;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
    },
  } as unknown as Response;
  problemHandler(pino({ level: 'silent' }))(err, { path: '/x' } as Request, res, () => undefined);
  return sent;
}

test.each([
  [new NotFoundError('program p'), 404, { title: 'Not found', detail: 'program p does not exist' }],
  [new ConflictError('program p is paused'), 409, { title: 'Conflict', detail: 'program p is paused' }],
  [
    new InvalidError('Invalid rollout', [{ path: '$.toVersion', message: 'must differ' }]),
    422,
    {
      title: 'Invalid rollout',
      detail: '$.toVersion: must differ',
      errors: [{ path: '$.toVersion', message: 'must differ' }],
    },
  ],
  [
    new InvalidError('Template cannot be rendered', [], 'unclosed tag'),
    422,
    { title: 'Template cannot be rendered', detail: 'unclosed tag' },
  ],
  [new UnavailableError('Email not configured', 'no key'), 503, { title: 'Email not configured', detail: 'no key' }],
  [new RejectedError('Email rejected', 'bad address'), 502, { title: 'Email rejected', detail: 'bad address' }],
])('%s answers %i', (err, status, body) => {
  const sent = answer(err);
  expect(sent.status).toBe(status);
  expect(sent.type).toBe('application/problem+json');
  expect(sent.body).toEqual({ status, ...body });
  expect(sent.headers['Retry-After']).toBe(status === 503 ? '5' : undefined);
});

test('an unknown error is a 500 that says nothing of its cause', () => {
  const sent = answer(new TypeError("Cannot read properties of undefined (reading 'steps')"));
  expect(sent.status).toBe(500);
  expect(JSON.stringify(sent.body)).not.toContain('steps');
});
