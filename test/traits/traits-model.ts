// An independent model of customer_traits in TypeScript: the customers, order lines and events a
// sequence of writes leaves, kept as plain maps, and each customer's traits computed from them from
// scratch with loops. Amounts in whole cents, so sums are exact.

export interface ModelLine {
  orderId: string;
  productId: string;
  customerId: string;
  quantity: number;
  priceCents: number | null;
  at: number;
}

export interface ModelEvent {
  id: string;
  customerId: string;
  type: string;
  at: number;
}

export interface ModelCustomer {
  traits: Record<string, unknown>;
  mergedInto: string | null;
}

export interface ModelTraits {
  orderCount: number;
  totalSpentCents: number;
  firstPurchaseAt: number | null;
  lastPurchaseAt: number | null;
  favouriteCategory: string | null;
  value12mCents: number;
  opens30d: number;
  clicks30d: number;
  country: string | null;
  region: string | null;
}

export const NO_TRAITS: ModelTraits = {
  orderCount: 0,
  totalSpentCents: 0,
  firstPurchaseAt: null,
  lastPurchaseAt: null,
  favouriteCategory: null,
  value12mCents: 0,
  opens30d: 0,
  clicks30d: 0,
  country: null,
  region: null,
};

export class TraitsModel {
  readonly customers = new Map<string, ModelCustomer>();
  /** By order and product: the first write of a line wins, as the table's key makes it. */
  readonly lines = new Map<string, ModelLine>();
  readonly events = new Map<string, ModelEvent>();

  /** A reference's customer: a merged one answers for its survivor. */
  resolve(id: string): string {
    return this.customers.get(id)?.mergedInto ?? id;
  }

  private ensure(id: string): ModelCustomer {
    let customer = this.customers.get(id);
    if (!customer) this.customers.set(id, (customer = { traits: {}, mergedInto: null }));
    return customer;
  }

  event(event: ModelEvent): void {
    const customerId = this.resolve(event.customerId);
    this.ensure(customerId);
    if (!this.events.has(event.id)) this.events.set(event.id, { ...event, customerId });
  }

  /** A purchase event; its lines only if the event id is new (a duplicate writes nothing). */
  purchase(event: ModelEvent, lines: Omit<ModelLine, 'customerId' | 'at'>[]): void {
    if (this.events.has(event.id)) return;
    this.event(event);
    const customerId = this.resolve(event.customerId);
    for (const line of lines) {
      const key = `${line.orderId}/${line.productId}`;
      if (!this.lines.has(key)) this.lines.set(key, { ...line, customerId, at: event.at });
    }
  }

  setTraits(id: string, traits: Record<string, unknown>): void {
    const customer = this.ensure(this.resolve(id));
    customer.traits = { ...customer.traits, ...traits };
  }

  /** As src/customers/merge.ts: the survivor's traits win, everything of the merged moves over. */
  merge(survivorId: string, mergedId: string): void {
    const survivor = this.customers.get(survivorId)!;
    const merged = this.customers.get(mergedId)!;
    survivor.traits = { ...merged.traits, ...survivor.traits };
    for (const line of this.lines.values()) if (line.customerId === mergedId) line.customerId = survivorId;
    for (const event of this.events.values()) if (event.customerId === mergedId) event.customerId = survivorId;
    for (const other of this.customers.values()) if (other.mergedInto === mergedId) other.mergedInto = survivorId;
    merged.mergedInto = survivorId;
    merged.traits = {};
  }

  /** Every customer not merged away, with its traits at `now`. */
  traits(categories: ReadonlyMap<string, string | null>, now: number): Map<string, ModelTraits> {
    const result = new Map<string, ModelTraits>();
    const yearAgo = new Date(now);
    yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
    const monthAgo = now - 30 * 86_400_000;
    for (const [id, customer] of this.customers) {
      if (customer.mergedInto !== null) continue;
      const lines = [...this.lines.values()].filter((l) => l.customerId === id);
      const events = [...this.events.values()].filter((e) => e.customerId === id && e.at > monthAgo);
      const spent = (ls: ModelLine[]) => ls.reduce((sum, l) => sum + (l.priceCents ?? 0) * l.quantity, 0);
      const times = lines.map((l) => l.at);
      result.set(id, {
        orderCount: new Set(lines.map((l) => l.orderId)).size,
        totalSpentCents: spent(lines),
        firstPurchaseAt: times.length ? Math.min(...times) : null,
        lastPurchaseAt: times.length ? Math.max(...times) : null,
        favouriteCategory: favourite(lines, categories),
        value12mCents: spent(lines.filter((l) => l.at > yearAgo.getTime())),
        opens30d: events.filter((e) => e.type === 'email_opened').length,
        clicks30d: events.filter((e) => e.type === 'email_clicked').length,
        country: typeof customer.traits.country === 'string' ? customer.traits.country : null,
        region: typeof customer.traits.region === 'string' ? customer.traits.region : null,
      });
    }
    return result;
  }
}

/** Most units, then the latest bought, then the first name in code-unit order. */
function favourite(lines: ModelLine[], categories: ReadonlyMap<string, string | null>): string | null {
  const byCategory = new Map<string, { units: number; last: number }>();
  for (const line of lines) {
    const category = categories.get(line.productId);
    if (!category) continue;
    const seen = byCategory.get(category) ?? { units: 0, last: -Infinity };
    byCategory.set(category, { units: seen.units + line.quantity, last: Math.max(seen.last, line.at) });
  }
  const ranked = [...byCategory].sort(
    ([a, x], [b, y]) => y.units - x.units || y.last - x.last || (a < b ? -1 : a > b ? 1 : 0),
  );
  return ranked[0]?.[0] ?? null;
}
