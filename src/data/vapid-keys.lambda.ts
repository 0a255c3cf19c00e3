import { generateKeyPairSync } from 'crypto';
// The AWS SDK v3 ships with the Lambda Node.js runtime; the bundle leaves it external.
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The subset of a CloudFormation custom resource event this handler reads. */
export interface VapidKeysEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly SecretId: string };
  readonly OldResourceProperties?: { readonly SecretId?: string };
}

/** A VAPID key pair in the form Mastodon's `rake mastodon:webpush:generate_vapid_key` prints. */
export interface VapidKeys {
  readonly VAPID_PRIVATE_KEY: string;
  readonly VAPID_PUBLIC_KEY: string;
}

/**
 * Generates an EC P-256 key pair encoded like Ruby's `Base64.urlsafe_encode64` (URL-safe
 * alphabet, with padding): the 32-byte private scalar and the 65-byte uncompressed public point.
 */
export function generateVapidKeys(): VapidKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const priv = privateKey.export({ format: 'jwk' });
  const pub = publicKey.export({ format: 'jwk' });
  const d = Buffer.from(priv.d!, 'base64url');
  const point = Buffer.concat([
    Buffer.from([0x04]),
    Buffer.from(pub.x!, 'base64url'),
    Buffer.from(pub.y!, 'base64url'),
  ]);
  return { VAPID_PRIVATE_KEY: urlsafeBase64(d), VAPID_PUBLIC_KEY: urlsafeBase64(point) };
}

function urlsafeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * Writes a new key pair into the secret when the resource is created (or pointed at another
 * secret), and never again: changing VAPID keys breaks every existing push subscription.
 */
export async function handleVapidKeys(
  event: VapidKeysEvent,
  client: Pick<SecretsManagerClient, 'send'>,
): Promise<{ PhysicalResourceId: string }> {
  const secretId = event.ResourceProperties.SecretId;
  const isNewSecret =
    event.RequestType === 'Create' ||
    (event.RequestType === 'Update' && event.OldResourceProperties?.SecretId !== secretId);
  if (isNewSecret) {
    await client.send(
      new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(generateVapidKeys()) }),
    );
  }
  return { PhysicalResourceId: `vapid-keys:${secretId}` };
}

export async function handler(event: VapidKeysEvent): Promise<{ PhysicalResourceId: string }> {
  return handleVapidKeys(event, new SecretsManagerClient({}));
}
