// Encrypts every payload Kairos hands to Temporal (workflow inputs, signals with customers'
// events and traits, activity results, queries), so histories hold no personal data in clear.
// AES-256-GCM from node:crypto; the format is that of Temporal's `encryption` sample: the whole
// original payload, proto-encoded, is the plaintext, and the key's id travels in the metadata.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKey } from '../config/env';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const { Payload: PayloadProto } = temporal.api.common.v1;

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/** A payload the codec cannot decrypt: its key is not configured, or its bytes were altered. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

/**
 * Encodes with the first key; decodes with whichever key a payload names, so keys rotate by
 * putting the new one first and keeping the old one until no history needs it. Payloads that
 * are not encrypted (histories written before encryption was on) pass through decode unchanged.
 */
export function createPayloadCodec(keys: readonly PayloadKey[]): PayloadCodec {
  const [current] = keys;
  if (!current) throw new Error('a payload codec needs at least one key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    async encode(payloads) {
      return payloads.map((payload) => encrypt(payload, current));
    },
    async decode(payloads) {
      return payloads.map((payload) => decrypt(payload, byId));
    },
  };
}

function encrypt(payload: Payload, { id, key }: PayloadKey): Payload {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const sealed = Buffer.concat([cipher.update(PayloadProto.encode(payload).finish()), cipher.final()]);
  return {
    metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
    data: Buffer.concat([nonce, sealed, cipher.getAuthTag()]),
  };
}

function decrypt(payload: Payload, keys: ReadonlyMap<string, Buffer>): Payload {
  if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
  const id = text(payload.metadata?.[KEY_ID_METADATA]);
  if (id === undefined) throw new PayloadDecryptionError(`an encrypted payload names no ${KEY_ID_METADATA}`);
  const key = keys.get(id);
  if (!key) {
    const listed = [...keys.keys()].map((k) => `"${k}"`).join(', ');
    throw new PayloadDecryptionError(
      `a payload is encrypted with key "${id}", which KAIROS_PAYLOAD_KEYS does not list (it lists ${listed})`,
    );
  }
  const data = Buffer.from(payload.data ?? []);
  if (data.length < NONCE_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`a payload of key "${id}" is truncated`);
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  try {
    const plain = Buffer.concat([
      decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return PayloadProto.decode(plain);
  } catch {
    // GCM's tag check: the bytes, the nonce or the key are not what encrypted them.
    throw new PayloadDecryptionError(`a payload of key "${id}" fails its integrity check (altered, or another key)`);
  }
}

/** What clients, workers and replayers are given: the codec when keys are configured, else nothing. */
export function payloadDataConverter(keys: readonly PayloadKey[]): DataConverter {
  return keys.length ? { payloadCodecs: [createPayloadCodec(keys)] } : {};
}
