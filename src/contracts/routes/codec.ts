// The codec server the Temporal Web UI (and `temporal --codec-endpoint`) calls to show encrypted
// payloads (src/temporal/payload-codec.ts) in clear: Temporal's codec server protocol, payloads as
// proto3 JSON (bytes in base64). Whoever may call it reads every customer's data: admin only.
import { z } from 'zod';
import { route } from '../route';

const base64 = z.base64('must be base64');

/** Not strict: the UI may send fields of newer Temporal versions, which the codec leaves out. */
const codecPayload = z
  .object({
    metadata: z.record(z.string(), base64).optional(),
    data: base64.optional(),
  })
  .meta({ id: 'CodecPayload', description: 'A Temporal payload: metadata values and data in base64' });

const codecPayloads = z
  .object({ payloads: z.array(codecPayload).max(10_000) })
  .meta({ id: 'CodecPayloads', description: "Temporal's codec server protocol" });
export type CodecPayloads = z.output<typeof codecPayloads>;

const codecRoute = <const P extends string>(path: P, summary: string, description: string) =>
  route({
    method: 'post',
    path,
    scope: 'admin',
    tag: 'Codec',
    summary,
    description:
      `${description} Cross-origin calls are allowed from KAIROS_CODEC_CORS_ORIGIN only. ` +
      'Answers 503 when KAIROS_PAYLOAD_KEYS is unset.',
    body: codecPayloads,
    // A Temporal payload may be 2 MB, 2.7 MB in base64; the UI sends a page of them at once.
    bodyLimit: '16mb',
    responses: { 200: { description: 'The payloads, in the order sent', schema: codecPayloads } },
    errors: [422],
  });

export const codecRoutes = {
  decode: codecRoute(
    '/v1/codec/decode',
    'Decrypt Temporal payloads (codec server for the Temporal Web UI)',
    'Payloads that are not encrypted come back unchanged; one that cannot be decrypted (an unknown key id, ' +
      'altered bytes) is a 422 naming it.',
  ),
  encode: codecRoute(
    '/v1/codec/encode',
    'Encrypt Temporal payloads with the current key (codec server for the Temporal Web UI)',
    'What the UI encodes before it sends a signal or starts a workflow.',
  ),
};
