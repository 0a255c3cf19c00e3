import { createPrivateKey, createPublicKey, sign, verify } from 'crypto';
import { generateVapidKeys, handleVapidKeys } from '../../src/data/vapid-keys.lambda';

function fromUrlsafe(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

describe('VAPID key generation', () => {
  test('keys are a P-256 pair in the urlsafe, padded encoding of Mastodon rake task', () => {
    const keys = generateVapidKeys();
    expect(keys.VAPID_PRIVATE_KEY).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(keys.VAPID_PUBLIC_KEY).toMatch(/^[A-Za-z0-9_-]{87}=$/);
    const d = fromUrlsafe(keys.VAPID_PRIVATE_KEY);
    const point = fromUrlsafe(keys.VAPID_PUBLIC_KEY);
    expect(d).toHaveLength(32);
    expect(point).toHaveLength(65);
    expect(point[0]).toBe(0x04);
    // The pair really belongs together: sign with the private key, verify with the public one.
    const x = point.subarray(1, 33).toString('base64url');
    const y = point.subarray(33).toString('base64url');
    const privateKey = createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x, y },
      format: 'jwk',
    });
    const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
    const signature = sign('sha256', Buffer.from('push'), privateKey);
    expect(verify('sha256', Buffer.from('push'), publicKey, signature)).toBe(true);
    expect(generateVapidKeys().VAPID_PRIVATE_KEY).not.toBe(keys.VAPID_PRIVATE_KEY);
  });

  test.each([
    ['Create', undefined, 1],
    ['Update', 'arn:secret', 0],
    ['Update', 'arn:old-secret', 1],
    ['Delete', undefined, 0],
  ])(
    '%s (old secret %s) writes %i times: keys are generated once and never rotated by an update',
    async (requestType, oldId, writes) => {
      const sent: any[] = [];
      const client = { send: async (command: any) => sent.push(command.input) } as any;
      const result = await handleVapidKeys(
        {
          RequestType: requestType as any,
          ResourceProperties: { SecretId: 'arn:secret' },
          OldResourceProperties: oldId ? { SecretId: oldId } : undefined,
        },
        client,
      );
      expect(sent).toHaveLength(writes);
      expect(result.PhysicalResourceId).toBe('vapid-keys:arn:secret');
      if (writes) {
        expect(Object.keys(JSON.parse(sent[0].SecretString))).toEqual([
          'VAPID_PRIVATE_KEY',
          'VAPID_PUBLIC_KEY',
        ]);
      }
    },
  );
});
