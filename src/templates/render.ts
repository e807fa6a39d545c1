// Rendering message templates, in one place: the Liquid engine and the context every template sees
// (journey sends, previews and test sends alike).
import { Liquid } from 'liquidjs';
import type { CustomerEvent, Recommendation } from '../core/state';

export interface RenderContext {
  /** The profile: traits, identifiers (email, loyaltyId...), id, tags, timezone. */
  customer: Record<string, unknown>;
  /** Computed (src/traits/trait-values.ts): orders, spend, favourite category, engagement, RFM, country and region. */
  traits: Record<string, unknown>;
  /** The event the customer entered the program with. */
  event: CustomerEvent | null;
  recommendations: Recommendation[];
  /** The one-click unsubscribe link for the program's subscription group; null for mail outside any group. */
  unsubscribeUrl: string | null;
}

export interface TemplateSource {
  subject: string;
  body: string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
}

/** A template that does not parse: unknown filters included (strictFilters), so typos fail on save. */
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';

  constructor(
    readonly field: keyof TemplateSource,
    message: string,
  ) {
    super(message);
  }
}

export function createRenderer() {
  const liquid = new Liquid({ strictFilters: true });

  return {
    /** Throws TemplateSyntaxError naming the first field that does not parse. */
    check(template: TemplateSource): void {
      for (const field of ['subject', 'body'] as const) {
        try {
          liquid.parse(template[field]);
        } catch (err) {
          throw new TemplateSyntaxError(field, err instanceof Error ? err.message : String(err));
        }
      }
    },

    async render(template: TemplateSource, context: RenderContext): Promise<RenderedMessage> {
      const [subject, html] = (await Promise.all([
        liquid.parseAndRender(template.subject, context),
        liquid.parseAndRender(template.body, context),
      ])) as [string, string];
      // A subject is one header line: a newline from a trait would break it.
      return { subject: subject.replace(/\s*[\r\n]+\s*/g, ' ').trim(), html };
    },
  };
}
