// Custom resource handler of the baseline app: writes a VAPID key pair (EC P-256, URL-safe base64
// as Mastodon prints it) into a secret once. Deployed as a Lambda asset; the AWS SDK v3 ships
// with the Node.js runtime.
const { generateKeyPairSync } = require('crypto');
const { PutSecretValueCommand, SecretsManagerClient } = require('@aws-sdk/client-secrets-manager');

const b64 = (bytes) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

exports.handler = async (event) => {
  const secretId = event.ResourceProperties.SecretId;
  const isNew =
    event.RequestType === 'Create' ||
    (event.RequestType === 'Update' && event.OldResourceProperties?.SecretId !== secretId);
  if (isNew) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const priv = privateKey.export({ format: 'jwk' });
    const pub = publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([
      Buffer.from([0x04]),
      Buffer.from(pub.x, 'base64url'),
      Buffer.from(pub.y, 'base64url'),
    ]);
    const keys = { VAPID_PRIVATE_KEY: b64(Buffer.from(priv.d, 'base64url')), VAPID_PUBLIC_KEY: b64(point) };
    await new SecretsManagerClient({}).send(
      new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(keys) }),
    );
  }
  return { PhysicalResourceId: `vapid-keys:${secretId}` };
};
