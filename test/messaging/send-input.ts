// A journey send's input as the workflow hands it to sendMessage: Simona's welcome email, on its
// first visit of the step. Tests name only what they are about.
import type { SendMessageInput } from '../../src/core/calls';

export function sendInput(over: Partial<SendMessageInput> = {}): SendMessageInput {
  return {
    key: 'enr-1/welcome/1',
    customerId: 'simona',
    enrollmentId: 'enr-1',
    programId: 'welcome',
    version: 1,
    variant: null,
    stepId: 'welcome',
    channel: 'email',
    templateId: 'welcome-mail',
    entryEvent: { id: 'ev-1', type: 'signup', occurredAt: '2026-02-01T10:00:00Z', properties: { source: 'web' } },
    recommendations: [],
    scheduledAt: Date.UTC(2026, 1, 1, 10),
    ...over,
  };
}
