// The codec server's handlers: payloads from the wire (base64) through the payload codec and back.
// Each payload is decoded on its own, so a refusal names the one that failed.
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { CodecPayloads, codecRoutes } from '../contracts/routes/codec';
import { InvalidError, UnavailableError } from '../core/errors';
import { PayloadDecryptionError } from '../temporal/payload-codec';
import type { Handlers } from './mount-routes';

type WirePayload = CodecPayloads['payloads'][number];

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export function codecHandlers(codec: PayloadCodec | undefined): Handlers<typeof codecRoutes> {
  const configured = () => {
    if (!codec) throw new UnavailableError('Payload encryption is off', 'KAIROS_PAYLOAD_KEYS is not set on this API');
    return codec;
  };
  return {
    decode: async ({ body }) => {
      const c = configured();
      const payloads = await Promise.all(
        body.payloads.map(async (p, i) => {
          try {
            return toWire((await c.decode([fromWire(p)]))[0]!);
          } catch (err) {
            if (!(err instanceof PayloadDecryptionError)) throw err;
            throw new InvalidError('Payload cannot be decrypted', [{ path: `$.payloads[${i}]`, message: err.message }]);
          }
        }),
      );
      return { payloads };
    },
    encode: async ({ body }) => ({ payloads: (await configured().encode(body.payloads.map(fromWire))).map(toWire) }),
  };
}
