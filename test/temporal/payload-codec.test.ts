// The payload codec: what it writes cannot be read without the key, is refused when altered, and
// reads back exactly; keys rotate; payloads from before encryption pass through.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import fc from 'fast-check';
import { createPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/temporal/payload-codec';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
/** A payload as plain objects with Buffers, so `toEqual` compares bytes, not protobuf classes. */
const plain = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
  data: Buffer.from(p.data ?? []),
});

const traits = defaultPayloadConverter.toPayload({ email: 'ada@example.com', traits: { tier: 'gold' } });

test('a payload reads back exactly, and its encrypted form shows neither its data nor its metadata', async () => {
  const codec = createPayloadCodec([k1]);
  const [encrypted] = await codec.encode([traits]);
  expect(text(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
  expect(text(encrypted!.metadata![KEY_ID_METADATA])).toBe('k1');
  expect(Object.keys(encrypted!.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA]);
  expect(text(encrypted!.data)).not.toContain('ada@example.com');
  expect(text(encrypted!.data)).not.toContain('json/plain');
  expect(plain((await codec.decode([encrypted!]))[0]!)).toEqual(plain(traits));
});

test('the same payload encrypts differently each time (a fresh nonce per payload)', async () => {
  const codec = createPayloadCodec([k1]);
  const [a, b] = await codec.encode([traits, traits]);
  expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
});

test('any payload bytes and metadata survive a round trip', async () => {
  const codec = createPayloadCodec([k2, k1]);
  const payload = fc.record({
    metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 64 }), {
      maxKeys: 5,
    }),
    data: fc.uint8Array({ maxLength: 2048 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(payload, { maxLength: 4 }), async (payloads) => {
      const decoded = await codec.decode(await codec.encode(payloads));
      expect(decoded.map(plain)).toEqual(payloads.map(plain));
    }),
    { numRuns: 200 },
  );
});

test('a payload altered anywhere (nonce, ciphertext, tag) fails to decode', async () => {
  const codec = createPayloadCodec([k1]);
  const [encrypted] = await codec.encode([traits]);
  const length = encrypted!.data!.length;
  for (const at of [0, 11, 12, Math.floor(length / 2), length - 1]) {
    const data = Buffer.from(encrypted!.data!);
    data[at] = data[at]! ^ 0x01;
    await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow(/key "k1" fails its integrity check/);
  }
  await expect(codec.decode([{ ...encrypted!, data: encrypted!.data!.subarray(0, 20) }])).rejects.toThrow(/truncated/);
});

test('a payload decrypted with another key of the same id fails its integrity check', async () => {
  const [encrypted] = await createPayloadCodec([k1]).encode([traits]);
  const impostor = createPayloadCodec([{ id: 'k1', key: randomBytes(32) }]);
  await expect(impostor.decode([encrypted!])).rejects.toThrow(/integrity check/);
});

test('rotation: the new key encodes, the old one still decodes what it wrote', async () => {
  const [old] = await createPayloadCodec([k1]).encode([traits]);
  const rotated = createPayloadCodec([k2, k1]);
  const [fresh] = await rotated.encode([traits]);
  expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('k2');
  const decoded = await rotated.decode([old!, fresh!]);
  expect(decoded.map(plain)).toEqual([plain(traits), plain(traits)]);
  // And k1 alone cannot read what k2 wrote.
  await expect(createPayloadCodec([k1]).decode([fresh!])).rejects.toThrow(/key "k2"/);
});

test('a payload naming an unknown key fails with an error naming that key', async () => {
  const [encrypted] = await createPayloadCodec([{ id: 'retired-2025', key: randomBytes(32) }]).encode([traits]);
  await expect(createPayloadCodec([k2, k1]).decode([encrypted!])).rejects.toThrow(
    'a payload is encrypted with key "retired-2025", which KAIROS_PAYLOAD_KEYS does not list (it lists "k2", "k1")',
  );
});

test('payloads written before encryption pass through decode unchanged', async () => {
  const codec = createPayloadCodec([k1]);
  const unencoded: Payload = { metadata: {}, data: Buffer.from('raw') };
  const [a, b] = await codec.decode([traits, unencoded]);
  expect(a).toBe(traits);
  expect(b).toBe(unencoded);
});

test('a codec without keys is refused', () => {
  expect(() => createPayloadCodec([])).toThrow(/at least one key/);
});
