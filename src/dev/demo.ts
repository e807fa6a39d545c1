// The `npm start` demo: Simona's shop (catalogue, templates, a cross-sell program) and her
// journey, seeded once through the real services; later starts find it and leave it alone.
import type { Logger } from 'pino';
import type { AppDeps } from '../api/app';
import type { Db } from '../db/prisma';
import type { ProgramDefinitionInput } from '../contracts/program-language/types';

const DEMO_PROGRAM = 'demo-cross-sell';

/** Simona's program with demo-sized waits: a visit within 2 minutes brings the cross-sell. */
const demoProgram: ProgramDefinitionInput = {
  name: 'Post-purchase cross-sell (demo timings)',
  timezone: 'Europe/Ljubljana',
  entry: { event: 'purchase' },
  goal: { event: { type: 'order_placed' }, window: '7d' },
  start: 'wait-visit',
  steps: {
    'wait-visit': {
      kind: 'waitForEvent',
      event: { type: 'site_visit' },
      timeout: '2m',
      next: { matched: 'recommend-matching', timedOut: 'recommend-popular' },
    },
    'recommend-matching': { kind: 'recommend', count: 3, next: 'send-cross-sell' },
    'send-cross-sell': { kind: 'send', channel: 'email', template: 'demo-cross-sell', next: 'done' },
    'recommend-popular': { kind: 'recommend', count: 3, next: 'send-recommendations' },
    'send-recommendations': { kind: 'send', channel: 'email', template: 'demo-recommendations', next: 'done' },
    done: { kind: 'exit' },
  },
};

const items =
  '{% for r in recommendations %}<li>{{ r.name }}{% if r.price %} ({{ r.price }} EUR){% endif %}</li>{% endfor %}';
const templates = [
  {
    id: 'demo-cross-sell',
    subject: 'Welcome back, {{ customer.firstName }}: made for your new dress',
    body: `<p>Hi {{ customer.firstName }}, these go with what you bought in store:</p><ul>${items}</ul>`,
  },
  {
    id: 'demo-recommendations',
    subject: '{{ customer.firstName }}, picked for you',
    body: `<p>Hi {{ customer.firstName }}, you might like:</p><ul>${items}</ul>`,
  },
];

const products = [
  {
    id: 'dress-linen',
    name: 'Linen summer dress',
    category: 'dress',
    price: 89,
    stock: 10,
    targetStock: 10,
    attributes: { collection: 'summer', pairsWith: ['shoes', 'bag'] },
  },
  {
    id: 'sandals',
    name: 'Leather sandals',
    category: 'shoes',
    price: 59,
    stock: 8,
    targetStock: 10,
    attributes: { collection: 'summer' },
  },
  {
    id: 'straw-bag',
    name: 'Straw bag',
    category: 'bag',
    price: 35,
    stock: 60,
    targetStock: 20,
    attributes: { collection: 'summer' },
  },
  {
    id: 'belt',
    name: 'Woven belt',
    category: 'belt',
    price: 19,
    stock: 0,
    targetStock: 10,
    attributes: { collection: 'summer' },
  },
  {
    id: 'sun-hat',
    name: 'Sun hat',
    category: 'hat',
    price: 25,
    stock: 30,
    targetStock: 10,
    attributes: { collection: 'summer' },
  },
];

export interface DemoRun {
  simonaId: string;
  /** Simona's messages from earlier starts: this start's email is the one not among them. */
  earlierMessages: Set<string>;
}

export async function runDemo(deps: AppDeps, logger: Logger): Promise<DemoRun> {
  const { db, programs, identity, ingestion } = deps;
  await db.product.createMany({ data: products, skipDuplicates: true });
  for (const t of templates) await db.template.upsert({ where: { id: t.id }, create: t, update: {} });
  if (!(await db.program.findUnique({ where: { id: DEMO_PROGRAM } }))) {
    await programs.create(DEMO_PROGRAM, demoProgram as Record<string, unknown>, 'demo');
    const { version } = await programs.publish(DEMO_PROGRAM, 'demo');
    await programs.launch(DEMO_PROGRAM, version, 'demo');
    logger.info({ program: DEMO_PROGRAM, version }, 'demo program launched');
  }
  const simonaId = await identity.identify({
    customer: { email: 'simona@example.com', loyaltyId: 'LOYAL-SIMONA' },
    traits: { firstName: 'Simona' },
    timezone: 'Europe/Ljubljana',
  });
  const earlier = await db.message.findMany({
    where: { customerId: simonaId, programId: DEMO_PROGRAM },
    select: { key: true },
  });
  // A fresh pair of events on every start, so each start shows the journey (and an email in the
  // sink, whose inbox lives in memory); earlier runs' events and workflows stay as they were.
  const run = Date.now().toString(36);
  await ingestion.ingest({
    eventId: `demo-simona-store-purchase-${run}`,
    type: 'purchase',
    customer: { loyaltyId: 'LOYAL-SIMONA' },
    properties: { orderId: `store-${run}`, channel: 'store', items: [{ productId: 'dress-linen', price: 89 }] },
  });
  await ingestion.ingest({
    eventId: `demo-simona-site-visit-${run}`,
    type: 'site_visit',
    customer: { email: 'simona@example.com' },
    properties: { page: '/summer' },
  });
  return { simonaId, earlierMessages: new Set(earlier.map((m) => m.key)) };
}

/** What became of this start's email to Simona: its message row once settled, or pending. */
export type DemoEmail = { status: 'sent' } | { status: 'skipped' | 'failed'; reason: string } | { status: 'pending' };

/** Waits (up to timeoutMs) for this start's message to Simona to be sent, skipped or failed. */
export async function demoEmail(db: Db, run: DemoRun, timeoutMs: number): Promise<DemoEmail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.message.findMany({
      where: { customerId: run.simonaId, programId: DEMO_PROGRAM },
      select: { key: true, status: true, reason: true },
    });
    const mine = rows.find((m) => !run.earlierMessages.has(m.key));
    if (mine?.status === 'sent') return { status: 'sent' };
    if (mine?.status === 'skipped' || mine?.status === 'failed')
      return { status: mine.status, reason: mine.reason ?? 'no reason given' };
    if (Date.now() >= deadline) return { status: 'pending' };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function emailSentence(email: DemoEmail, traceCurl: string): string[] {
  const did = 'Simona bought a dress in store and visited the web shop';
  switch (email.status) {
    case 'sent':
      return [`${did}: her cross-sell email is in the inbox.`];
    case 'skipped':
      return [
        `${did}, but her cross-sell email was not sent: ` +
          `${/^(cap|quiet hours)/.test(email.reason) ? 'the contact policy skipped it' : 'it was skipped'}` +
          ` (${email.reason}).`,
        ...(email.reason.startsWith('cap')
          ? [
              'Each start emails her again, so the default caps hold her back after a few starts a day; ' +
                'KAIROS_EMAIL_CAPS=off npm start lifts them.',
            ]
          : []),
        'Why, step by step:',
        `  ${traceCurl}`,
      ];
    case 'failed':
      return [
        `${did}, but sending her cross-sell email failed (${email.reason}). Why, step by step:`,
        `  ${traceCurl}`,
      ];
    case 'pending':
      return [
        `${did}; her cross-sell email is not out yet. The inbox shows it when it is; meanwhile:`,
        `  ${traceCurl}`,
      ];
  }
}

export function demoInstructions(o: {
  apiUrl: string;
  key: string;
  sinkUrl: string;
  uiUrl: string;
  simonaId: string;
  email: DemoEmail;
}): string {
  const auth = `-H 'Authorization: Bearer ${o.key}' -H 'Content-Type: application/json'`;
  return [
    '',
    'Kairos is running.',
    `  Console        ${o.apiUrl}/console/   (sign in with the admin key)`,
    `  API            ${o.apiUrl}   (admin key: ${o.key})`,
    `  Temporal UI    ${o.uiUrl}`,
    `  Email inbox    ${o.sinkUrl}   (the local SendGrid sink)`,
    '',
    ...emailSentence(o.email, `curl -s ${auth} ${o.apiUrl}/v1/customers/${o.simonaId}/trace`),
    'Her journey state:',
    `  curl -s ${auth} ${o.apiUrl}/v1/customers/${o.simonaId}/journey`,
    'Try it yourself: a store purchase by a new customer, who gets recommendations after 2 minutes without a visit:',
    `  curl -s -X POST ${auth} ${o.apiUrl}/v1/events -d '{"type":"purchase","customer":{"email":"ana@example.com"},` +
      `"properties":{"orderId":"o-'$RANDOM'","items":[{"productId":"dress-linen","price":89}]}}'`,
    '',
  ].join('\n');
}
