// Unsubscribe tokens as strings: only the token exactly as issued verifies. base64url decoding
// forgives a dangling character or stray padding bits, so the check cannot rest on decoding alone.
import fc from 'fast-check';
import { createUnsubscribeLinks } from '../../src/messaging/unsubscribe';

const links = createUnsubscribeLinks({ secret: 'a'.repeat(32), publicUrl: 'https://kairos.example' });
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

test('appending a character to any part of a token makes it invalid', () => {
  const token = links.token('customer-1', 'marketing');
  const parts = token.split('.');
  for (let i = 0; i < parts.length; i++) {
    for (const extra of ['A', 'x', '_', '0']) {
      const tampered = parts.map((p, j) => (j === i ? p + extra : p)).join('.');
      expect({ tampered, verified: links.verify(tampered) }).toEqual({ tampered, verified: null });
    }
  }
});

test('no token but the one issued verifies to its customer and group', () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.nat(2),
      fc.nat(ALPHABET.length - 1),
      fc.nat(60),
      (customerId, group, part, char, at) => {
        const token = links.token(customerId, group);
        expect(links.verify(token)).toEqual({ customerId, group });
        const parts = token.split('.');
        const p = parts[part]!;
        const i = at % (p.length + 1);
        // Either insert a character or replace one: every variant must fail unless it is the token itself.
        for (const changed of [
          p.slice(0, i) + ALPHABET[char] + p.slice(i),
          p.slice(0, i) + ALPHABET[char] + p.slice(i + 1),
        ]) {
          const variant = parts.map((q, j) => (j === part ? changed : q)).join('.');
          if (variant !== token) expect(links.verify(variant)).toBeNull();
        }
      },
    ),
    { numRuns: 2000 },
  );
});
