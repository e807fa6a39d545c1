// The floor workflow's one activity: the email Kairos's bench program sends (the `bench-welcome`
// template as it renders for a customer with no name), through the same SendGrid client.
import type { EmailSender } from '../../src/messaging/email-sender';

export interface FloorEvent {
  id: string;
  type: string;
  email: string;
}

export function createFloorActivities(email: EmailSender, from: string) {
  return {
    async floorSend(event: FloorEvent): Promise<{ providerMessageId: string | null }> {
      return email.send({
        to: event.email,
        from,
        subject: 'bench-welcome for you',
        html: '<p>bench-welcome</p>',
        messageKey: `floor/${event.id}/send`,
      });
    },
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
