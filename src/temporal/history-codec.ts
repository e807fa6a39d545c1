// Decoding a history's payloads. Temporal hands histories back as stored, encrypted payloads
// included (src/temporal/payload-codec.ts); what reads their values (the trace, the replayer's
// divergence report, the recorded replay baselines) decodes them first with the client's codecs.
import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { visit, walkGetWorkflowExecutionHistoryResponse } from '@temporalio/common/lib/internal-non-workflow';
import type { History } from '@temporalio/common/lib/proto-utils';

/**
 * Decodes every payload of `history` in place (and returns it) with `codecs`, the last applied
 * first as Temporal's data converter does. The SDK's generated visitor knows where each message
 * keeps its payloads; search attributes are never encoded, so they are left alone.
 */
export async function decodeHistory(history: History, codecs: readonly PayloadCodec[]): Promise<History> {
  if (!codecs.length) return history;
  const decodeAll = async (payloads: Payload[]) => {
    let decoded = payloads;
    for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
    return decoded;
  };
  await visit({ history }, walkGetWorkflowExecutionHistoryResponse, {
    transformPayload: async (payload) => (await decodeAll([payload]))[0]!,
    transformPayloads: decodeAll,
    skipSearchAttributes: true,
  });
  return history;
}

/** The codecs a client was made with (none: payloads are stored as they are). */
export const codecsOf = (client: Client): readonly PayloadCodec[] => client.options.loadedDataConverter.payloadCodecs;
