// One-click unsubscribe end to end on the time-skipping world: journey mail carries signed
// List-Unsubscribe headers, the token from the header unsubscribes over HTTP with no API key, GET
// only confirms, and the customer's later sends in that group are skipped with nothing emailed.
import { createUnsubscribeLinks } from '../../src/messaging/unsubscribe';
import { launchProgram, seedTemplates, sendsAtOnce } from '../helpers/seed';
import { startWorld, type World } from '../helpers/world';
import { expectProblem, listen, type ApiServer } from '../integration/http';
import { customer, inboxOf, messagesOf, send, settledMessages } from '../workflows/helpers';

let world: World;
let api: ApiServer;

beforeAll(async () => {
  world = await startWorld('time-skipping');
  api = await listen(world.api.app);
  const { db } = world.database;
  await seedTemplates(db, ['note']);
  await db.template.update({
    where: { id: 'note' },
    data: { body: '<p>note</p><a href="{{ unsubscribeUrl }}">Unsubscribe</a>' },
  });
  await launchProgram(db, 'promo', sendsAtOnce('Promo', 'promo'));
  await launchProgram(db, 'news', sendsAtOnce('News', 'news', { subscriptionGroup: 'newsletter' }));
  await launchProgram(db, 'receipt', sendsAtOnce('Receipt', 'order', { priority: 'transactional' }));
});
afterAll(async () => {
  await api?.close();
  await world?.stop();
});

/** The path and query of the link in a List-Unsubscribe header (`<http://kairos.test/v1/...>`). */
function unsubscribeLink(header: string | undefined): string {
  const url = new URL(/^<([^>]+)>$/.exec(header ?? '')![1]!);
  return `${url.pathname}${url.search}`;
}

const subscription = (customerId: string, group: string) =>
  world.database.db.subscription.findUnique({ where: { customerId_group: { customerId, group } } });

describe('a customer who unsubscribes with the link from the header', () => {
  let id: string;
  let link: string;

  beforeAll(async () => {
    id = await customer(world, 'mila@example.com');
    await send(world, 'mila@example.com', 'promo', 'promo-1');
    await settledMessages(world, id, 1);
    const [mail] = inboxOf(world, 'mila@example.com');
    link = unsubscribeLink(mail?.headers['List-Unsubscribe']);
  });

  test('journey mail carries List-Unsubscribe (a signed link to this API) and List-Unsubscribe-Post', () => {
    const [mail] = inboxOf(world, 'mila@example.com');
    expect(mail?.headers['List-Unsubscribe']).toMatch(/^<http:\/\/kairos\.test\/v1\/unsubscribe\?token=[\w.-]+>$/);
    expect(mail?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    // The same link in the body, through the template's unsubscribeUrl.
    expect(mail?.html).toContain(`href="http://kairos.test${link}"`);
  });

  test('GET shows a confirmation page with a button that posts, and does not unsubscribe', async () => {
    const res = await api.request('GET', link, { auth: null });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/html/);
    expect(res.text).toContain('Unsubscribe from marketing emails?');
    expect(res.text).toMatch(/<form method="post" action="\?token=[\w.-]+"><button/);
    expect(await subscription(id, 'marketing')).toBeNull();
  });

  test('a one-click POST (no API key) unsubscribes from the group; a repeat is harmless', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${api.url}${link}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(res.status).toBe(200);
    }
    expect(await subscription(id, 'marketing')).toMatchObject({ subscribed: false });
  });

  test(
    'a later journey send in that group is skipped ' + 'with "unsubscribed: marketing" and nothing reaches the sink',
    async () => {
      await send(world, 'mila@example.com', 'promo', 'promo-2');
      const messages = await settledMessages(world, id, 2);
      expect(messages[1]).toMatchObject({ programId: 'promo', status: 'skipped', reason: 'unsubscribed: marketing' });
      expect(inboxOf(world, 'mila@example.com')).toHaveLength(1);
    },
  );

  test('other groups, and transactional mail outside any group, still arrive', async () => {
    await send(world, 'mila@example.com', 'news', 'news-1');
    await send(world, 'mila@example.com', 'order', 'order-1');
    const messages = await settledMessages(world, id, 4);
    expect(
      messages
        .filter((m) => m.programId !== 'promo')
        .map((m) => [m.programId, m.status])
        .sort(),
    ).toEqual([
      ['news', 'sent'],
      ['receipt', 'sent'],
    ]);
    const inbox = inboxOf(world, 'mila@example.com');
    expect(inbox).toHaveLength(3);
    // Newsletter mail links to its own group; the receipt carries no unsubscribe header at all.
    const byGroup = inbox.map((m) => m.headers['List-Unsubscribe']).filter(Boolean);
    expect(byGroup).toHaveLength(2);
    expect(inbox.filter((m) => !m.headers['List-Unsubscribe'])).toHaveLength(1);
  });
});

test('a tampered, truncated or missing token is refused 400 problem+json, and unsubscribes nobody', async () => {
  const id = await customer(world, 'tomaz@example.com');
  await send(world, 'tomaz@example.com', 'promo', 'promo-tomaz');
  await settledMessages(world, id, 1);
  const token = new URL(
    unsubscribeLink(inboxOf(world, 'tomaz@example.com')[0]?.headers['List-Unsubscribe']),
    'http://x',
  ).searchParams.get('token')!;
  const [customerPart, groupPart, mac] = token.split('.') as [string, string, string];
  const otherCustomer = Buffer.from('someone-else').toString('base64url');
  const flipped = `${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
  for (const bad of [
    `${otherCustomer}.${groupPart}.${mac}`,
    `${customerPart}.${groupPart}.${flipped}`,
    `${customerPart}.${groupPart}`,
    'preview',
    `${token}x`,
  ]) {
    for (const method of ['GET', 'POST'])
      expectProblem(await api.request(method, `/v1/unsubscribe?token=${encodeURIComponent(bad)}`, { auth: null }), 400);
  }
  expectProblem(await api.request('POST', '/v1/unsubscribe', { auth: null }), 400);
  expect(await subscription(id, 'marketing')).toBeNull();
  expect(await subscription('someone-else', 'marketing')).toBeNull();
  expect(await messagesOf(world, id)).toHaveLength(1);
});

describe('tokens', () => {
  const links = createUnsubscribeLinks({ secret: 'a'.repeat(32), publicUrl: 'https://kairos.example/' });

  test('a token verifies to its customer and group, and not under another secret', () => {
    const token = links.token('cust.1/ü', 'news');
    expect(links.verify(token)).toEqual({ customerId: 'cust.1/ü', group: 'news' });
    expect(links.url('c', 'g')).toMatch(/^https:\/\/kairos\.example\/v1\/unsubscribe\?token=[\w.-]+$/);
    expect(
      createUnsubscribeLinks({ secret: 'b'.repeat(32), publicUrl: 'https://kairos.example' }).verify(token),
    ).toBeNull();
  });

  test('a secret under 32 characters is refused', () => {
    expect(() => createUnsubscribeLinks({ secret: 'short', publicUrl: 'https://kairos.example' })).toThrow(
      /32 characters/,
    );
  });
});
