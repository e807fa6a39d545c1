// Signs Event Webhook batches exactly as SendGrid does: ECDSA P-256 / SHA-256 over timestamp + raw body.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface WebhookSigner {
  /** Base64 SPKI DER, the form SendGrid shows under "Signed Event Webhook" and verifiers expect. */
  readonly publicKey: string;
  /** Base64 DER signature for the X-Twilio-Email-Event-Webhook-Signature header. */
  sign(timestamp: string, rawBody: string): string;
}

/** @param privateKey a P-256 key (KeyObject or PKCS#8 PEM); a fresh pair is generated when omitted. */
export function createWebhookSigner(privateKey?: KeyObject | string): WebhookSigner {
  const key =
    privateKey === undefined
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
      : typeof privateKey === 'string'
        ? createPrivateKey(privateKey)
        : privateKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('The webhook signing key must be an EC key on P-256 (prime256v1).');
  }
  const publicKey = createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    publicKey,
    sign(timestamp, rawBody) {
      // Node's default EC signature encoding is DER, which is what SendGrid sends.
      return sign('sha256', Buffer.from(timestamp + rawBody), key).toString('base64');
    },
  };
}
