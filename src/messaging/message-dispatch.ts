// Should this message go out, and what does it say: decided here for journey sends
// (src/messaging/send-message.ts) and template previews (src/templates/template-preview.ts) alike,
// so a preview can never disagree with a real send about content. Pause, quiet hours and caps are
// the workflow's (src/core/contact-policy.ts); a send that gets here was let through by them.
import { LiquidError } from 'liquidjs';
import type { ProfileScope, SendMessageInput, SendOutcome } from '../core/calls';
import type { CustomerEvent, Recommendation } from '../core/state';
import { HOLDOUT } from '../contracts/requests/experiment-schema';
import type { CurrentTemplate } from '../templates/template-service';
import { createRenderer, type RenderedMessage, type TemplateSource } from '../templates/render';
import { digestEmail, strongestKind, type Suppressions } from './suppressions';
import { isSubscribedIn, subscriptionGroupOf, type ConsentFields, type UnsubscribeLinks } from './unsubscribe';

/** What a send decides and renders by, read with its message row (src/messaging/message-rows.ts). */
export interface DispatchReads {
  scope: ProfileScope;
  /**
   * Suppression kinds by email digest, for every address the profile may carry (its email
   * identifiers and a string `email` trait). Keyed by the digest SQL computed: look an address up
   * by `digestEmail`, and ask again when it is not here (src/messaging/suppressions.ts).
   */
  suppressionKinds: Record<string, string[]>;
  /** Of the message's program version; null when there is none. */
  consent: ConsentFields | null;
  /** The customer's consent rows, group → subscribed. */
  subscriptions: Record<string, boolean>;
  template: CurrentTemplate | null;
}

/** Who a message is for and what it was sent about: what its template may show besides the template. */
export interface Audience {
  scope: ProfileScope;
  /** The event the customer entered the program with (a preview's stand-in, or none). */
  event: CustomerEvent | null;
  recommendations: Recommendation[];
}

type Settled = Extract<SendOutcome, { status: 'skipped' | 'failed' }>;

/** Not sent, final on the row; or sent to `recipient` with this content. */
export type Dispatch =
  | { go: false; outcome: Settled }
  | {
      go: true;
      recipient: string;
      templateVersion: number | null;
      content: RenderedMessage;
      /** RFC 8058 one-click unsubscribe, for a message in a subscription group. */
      headers: Record<string, string> | undefined;
    };

export interface MessageDispatchPorts {
  /** Signs a group-bound message's one-click link; previews carry its placeholder instead. */
  unsubscribe: Pick<UnsubscribeLinks, 'url' | 'placeholderUrl'>;
  /** Asked only about an address the send's statement did not read (see `suppressionKinds`). */
  suppressions: Pick<Suppressions, 'isSuppressed'>;
}

const skip = (reason: string): Dispatch => ({ go: false, outcome: { status: 'skipped', reason } });
const fail = (reason: string): Dispatch => ({ go: false, outcome: { status: 'failed', reason } });

export function createMessageDispatch({ unsubscribe, suppressions }: MessageDispatchPorts) {
  const renderer = createRenderer();

  /** The one rendering of a template for a customer, whether it is sent or previewed. */
  function compose(template: TemplateSource, audience: Audience, unsubscribeUrl: string | null) {
    const { scope, event, recommendations } = audience;
    return renderer.render(template, {
      customer: scope.profile,
      traits: scope.traits,
      event,
      recommendations,
      unsubscribeUrl,
    });
  }

  /** The strongest kind suppressing this address: from what the statement read under its digest, else asked now. */
  function suppressionOf(reads: DispatchReads, email: string): Promise<string | null> | string | null {
    const digest = digestEmail(email);
    const fetched = reads.suppressionKinds;
    return Object.hasOwn(fetched, digest) ? strongestKind(fetched[digest]!) : suppressions.isSuppressed(email);
  }

  return {
    /** Each reason not to send is final on the message row, so the order of the checks is the contract. */
    async decide(input: SendMessageInput, reads: DispatchReads): Promise<Dispatch> {
      if (input.skipReason) return skip(input.skipReason);
      if (input.variant === HOLDOUT) return skip('holdout');
      const email = reads.scope.profile.email;
      if (input.channel === 'email' && typeof email !== 'string') return skip('no_email');
      // Suppressions (bounces, complaints, erasure) follow the person, whatever the channel.
      const suppressed = typeof email === 'string' ? await suppressionOf(reads, email) : null;
      if (suppressed) return skip(`suppressed: ${suppressed}`);
      const recipient = input.channel === 'email' ? (email as string) : input.url;
      if (!recipient) return fail('webhook step has no url');
      const group = subscriptionGroupOf(reads.consent ?? {});
      if (group && !isSubscribedIn(reads.subscriptions, group)) return skip(`unsubscribed: ${group}`);
      const { template } = reads;
      if (!template) return fail(`template ${input.templateId} not found`);

      const unsubscribeUrl = group ? unsubscribe.url(input.customerId, group) : null;
      const audience = { scope: reads.scope, event: input.entryEvent, recommendations: input.recommendations };
      let content: RenderedMessage;
      try {
        content = await compose(template, audience, unsubscribeUrl);
      } catch (err) {
        // Rendering fails the same way on every attempt: the step's failure branch runs instead.
        if (!(err instanceof LiquidError)) throw err;
        return fail(`template ${input.templateId} cannot be rendered: ${err.message.slice(0, 300)}`);
      }
      const headers = unsubscribeUrl
        ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
        : undefined;
      return { go: true, recipient, templateVersion: template.version, content, headers };
    },

    /**
     * What a send of this template to this audience would say. The link is a placeholder that
     * unsubscribes nobody: a marketer clicking it in a preview or test mail must not unsubscribe
     * the customer. Throws what rendering throws.
     */
    preview: (template: TemplateSource, audience: Audience) => compose(template, audience, unsubscribe.placeholderUrl),
  };
}
