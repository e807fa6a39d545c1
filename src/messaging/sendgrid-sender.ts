// The SendGrid adapter behind the EmailSender port: sends through @sendgrid/mail and classifies failures.
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { EmailRejectedError, EmailUnavailableError, type EmailSender, type OutgoingEmail } from './email-sender';

/** A SendGrid send normally takes well under a second; a hung connection must not hold a send for good. */
export const DEFAULT_SENDGRID_TIMEOUT_MS = 10_000;

export interface SendGridSenderOptions {
  apiKey: string;
  /** Points the client elsewhere, e.g. the local sink. Defaults to SendGrid's global API. */
  baseUrl?: string;
  /** Per-request timeout (SENDGRID_TIMEOUT_MS); default DEFAULT_SENDGRID_TIMEOUT_MS. Never unbounded. */
  timeoutMs?: number;
}

interface SendGridResponseError {
  code: number;
  response?: { headers?: Record<string, unknown>; body?: unknown };
}

export function createSendGridSender(options: SendGridSenderOptions): EmailSender {
  // Our own client and service, never the package's shared singletons: two senders (or a test and
  // the app) must not overwrite each other's API key or base URL.
  const client = new Client();
  client.setApiKey(options.apiKey);
  // After setApiKey, which resets baseUrl to the region's host.
  if (options.baseUrl) client.setDefaultRequest('baseUrl', options.baseUrl);
  const service = new MailService();
  service.setClient(client);
  // axios's timeout, set as the client's default request: a request over it fails with
  // ECONNABORTED, which classifySendGridError makes a retryable EmailUnavailableError.
  service.setTimeout(options.timeoutMs ?? DEFAULT_SENDGRID_TIMEOUT_MS);

  return {
    async send(email: OutgoingEmail) {
      try {
        const [response] = await service.send({
          to: email.to,
          from: email.from,
          subject: email.subject,
          html: email.html,
          text: email.text,
          headers: email.headers,
          // message_key last: it is how webhook events find their way back, so no caller arg may clobber it.
          customArgs: { ...email.customArgs, message_key: email.messageKey },
        });
        const id: unknown = (response.headers as Record<string, unknown> | undefined)?.['x-message-id'];
        return { providerMessageId: typeof id === 'string' ? id : null };
      } catch (error) {
        throw classifySendGridError(error, options.apiKey);
      }
    },
  };
}

/** Maps a @sendgrid/client failure to the port's permanent/transient errors. */
function classifySendGridError(error: unknown, apiKey: string): Error {
  // The raw error is never attached as `cause`: axios errors carry the request config, including
  // the Authorization header, and would leak the key into logs and Temporal failure payloads.
  const redact = (text: string): string => (apiKey ? text.split(apiKey).join('[redacted]') : text);
  if (isResponseError(error)) {
    const status = error.code;
    const detail = redact(describeBody(error.response?.body));
    const message = `SendGrid answered ${status}${detail ? `: ${detail}` : ''}`;
    if (status === 429 || status >= 500) {
      return new EmailUnavailableError(message, status, retryAfterMs(error.response?.headers));
    }
    return new EmailRejectedError(message, status);
  }
  const reason = error instanceof Error ? [errorCode(error), error.message].filter(Boolean).join(' ') : String(error);
  return new EmailUnavailableError(`SendGrid unreachable: ${redact(reason)}`);
}

function isResponseError(error: unknown): error is SendGridResponseError {
  return (
    error instanceof Error && typeof (error as Partial<SendGridResponseError>).code === 'number' && 'response' in error
  );
}

function errorCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** SendGrid's `{ errors: [{ message, field }] }` as one line. */
function describeBody(body: unknown): string {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return typeof body === 'string' ? body.slice(0, 500) : '';
  return errors
    .map((e: { message?: unknown; field?: unknown }) =>
      typeof e.field === 'string' && e.field ? `${String(e.message)} (${e.field})` : String(e.message),
    )
    .join('; ');
}

function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
  const seconds = Number(headers?.['retry-after']);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
