// The v3 /mail/send body the sink accepts (the part @sendgrid/mail sends), and SendGrid-shaped errors.
import { z } from 'zod';

export interface SendGridError {
  message: string;
  field: string | null;
  help: string | null;
}

const address = z.object({
  email: z.email({ error: 'Does not contain a valid address.' }),
  name: z.string().optional(),
});

const stringMap = z.record(z.string(), z.string({ error: 'Values must be strings.' }));

const personalization = z.object({
  to: z.array(address).min(1, 'The to array is required for all personalization objects.'),
  cc: z.array(address).optional(),
  bcc: z.array(address).optional(),
  subject: z.string().min(1).optional(),
  headers: stringMap.optional(),
  custom_args: stringMap.optional(),
});

export const mailSendBody = z
  .object({
    from: address,
    reply_to: address.optional(),
    subject: z.string().min(1, 'The subject must be at least one character.').optional(),
    personalizations: z.array(personalization).min(1, 'The personalizations field is required.'),
    content: z
      .array(
        z.object({
          type: z.string().min(1, 'The content type is required.'),
          value: z.string().min(1, 'The content value must be a string at least one character in length.'),
        }),
      )
      .min(1, 'Unless a valid template_id is provided, the content parameter is required.'),
    headers: stringMap.optional(),
    custom_args: stringMap.optional(),
  })
  // Loose on purpose: @sendgrid/mail also sends fields (mail_settings, categories, ...) the sink ignores.
  .superRefine((body, ctx) => {
    if (!body.subject && body.personalizations.some((p) => !p.subject)) {
      ctx.addIssue({
        code: 'custom',
        path: ['subject'],
        message: 'The subject is required unless every personalization has a subject.',
      });
    }
  });

export type MailSendBody = z.infer<typeof mailSendBody>;

/** zod issues as SendGrid's `errors` entries, with the field as a dotted path (`from.email`). */
export function toSendGridErrors(error: z.ZodError): SendGridError[] {
  return error.issues.map((issue) => ({
    message: issue.message,
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : null,
    help: null,
  }));
}

export function sendGridError(message: string, field: string | null = null): { errors: SendGridError[] } {
  return { errors: [{ message, field, help: null }] };
}
