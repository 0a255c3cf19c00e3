import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { MastodonSecretVariable } from '../../data/mastodon-application-secrets';
import { MastodonDatabase } from '../../data/mastodon-database';
import { PER_PROCESS_VARIABLES } from '../../host/private/deployment-config';
import { invalidProp } from '../../private/errors';
import { MastodonHostOptions } from '../mastodon-host-options';

/** What a host's `.env.production` is made of, before any value is read. */
export interface MastodonEnvironment {
  /** Non-secret variables (values may be CloudFormation tokens). */
  readonly environment: { [name: string]: string };
  /** Variables whose values the host reads from Secrets Manager at boot. */
  readonly secrets: MastodonSecretVariable[];
}

/**
 * Derives a host's Mastodon configuration from the deployment: the data tier's endpoints and
 * secrets, mail settings, and the user's extra variables.
 */
export function mastodonEnvironment(
  scope: IConstruct,
  database: MastodonDatabase,
  vpc: ec2.IVpc,
  options: MastodonHostOptions,
): MastodonEnvironment {
  const env: { [name: string]: string } = {
    LOCAL_DOMAIN: database.domain,
    DB_HOST: database.cluster.clusterEndpoint.hostname,
    DB_PORT: Token.asString(database.cluster.clusterEndpoint.port),
    DB_NAME: database.databaseName,
    S3_ENABLED: 'true',
    S3_PROTOCOL: 'https',
    S3_BUCKET: database.mediaBucket.bucketName,
    S3_REGION: Stack.of(scope).region,
    S3_HOSTNAME: `s3.${Stack.of(scope).region}.${Stack.of(scope).urlSuffix}`,
    S3_PERMISSION: database.s3Permission,
  };
  if (database.webDomain !== database.domain) env.WEB_DOMAIN = database.webDomain;
  if (database.mediaAliasHost) env.S3_ALIAS_HOST = database.mediaAliasHost;

  const secrets: MastodonSecretVariable[] = [
    { variable: 'DB_USER', secret: database.databaseSecret, jsonField: 'username' },
    { variable: 'DB_PASS', secret: database.databaseSecret, jsonField: 'password' },
    ...database.applicationSecrets.variables,
  ];

  if (database.redisUrlSecret) {
    secrets.push({ variable: 'REDIS_URL', secret: database.redisUrlSecret });
  } else {
    const scheme = database.redisTransitEncryption ? 'rediss' : 'redis';
    env.REDIS_URL = `${scheme}://${database.redisEndpointAddress}:${database.redisPort}/0`;
  }
  if (database.redisTransitEncryption) {
    // hiredis has no TLS support; the pure-Ruby driver does.
    env.REDIS_DRIVER = 'ruby';
  }

  // Rails trusts RFC 1918 proxies by default; a VPC outside them needs its range named, or
  // every rate limit sees the load balancer's address instead of the client's.
  const cidr = literalCidr(vpc);
  if (cidr !== undefined && !isRfc1918(cidr)) env.TRUSTED_PROXY_IP = cidr;

  if (options.smtp) {
    const smtp = options.smtp;
    const port = smtp.port ?? 587;
    if (!Token.isUnresolved(port) && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      throw invalidProp(
        scope,
        'smtp.port',
        port,
        'a TCP port is a whole number from 1 to 65535',
        'Use 587 (STARTTLS, the default) or 465 (implicit TLS)',
      );
    }
    if (!Token.isUnresolved(port) && port === 25) {
      throw invalidProp(
        scope,
        'smtp.port',
        port,
        'EC2 throttles outbound port 25, so mail would be delayed or lost',
        'Use 587 (STARTTLS, the default) or 465 (implicit TLS)',
      );
    }
    env.SMTP_SERVER = smtp.server;
    env.SMTP_PORT = String(port);
    env.SMTP_FROM_ADDRESS = smtp.fromAddress;
    env.SMTP_AUTH_METHOD = smtp.credentials ? (smtp.authMethod ?? 'plain') : 'none';
    if (port === 465) {
      env.SMTP_TLS = 'true';
      env.SMTP_ENABLE_STARTTLS = 'never';
    } else {
      env.SMTP_ENABLE_STARTTLS = 'always';
    }
    if (smtp.credentials) {
      secrets.push({ variable: 'SMTP_LOGIN', secret: smtp.credentials, jsonField: 'username' });
      secrets.push({ variable: 'SMTP_PASSWORD', secret: smtp.credentials, jsonField: 'password' });
    }
  }

  const reserved = new Set([...Object.keys(env), ...secrets.map((s) => s.variable), ...LIBRARY_MANAGED]);
  for (const [name, value] of Object.entries(options.extraEnvironment ?? {})) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) {
      throw invalidProp(
        scope,
        'extraEnvironment',
        name,
        'environment variable names are upper-case letters, digits and underscores',
        'Rename the variable, e.g. ES_HOST',
      );
    }
    if (reserved.has(name)) {
      throw invalidProp(
        scope,
        'extraEnvironment',
        name,
        'the library sets this variable itself from the deployment, and overriding it would make the hosts disagree with the infrastructure',
        "Use the matching construct prop instead (see the README's configuration table)",
      );
    }
    env[name] = value;
  }
  return { environment: env, secrets };
}

/** Variables the library sets: per process on the hosts, or derived from the deployment. */
const LIBRARY_MANAGED = [
  ...PER_PROCESS_VARIABLES,
  // Settings that would silently split or redirect what the library wires together.
  'DATABASE_URL',
  'SIDEKIQ_REDIS_URL',
  'REDIS_NAMESPACE',
  'REDIS_URL',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_PASSWORD',
  'S3_ENDPOINT',
  'SIDEKIQ_CONCURRENCY',
  'SKIP_POST_DEPLOYMENT_MIGRATIONS',
];

/** The VPC's range where it is known at synth time: imported with a literal, or created here. */
function literalCidr(vpc: ec2.IVpc): string | undefined {
  if (!Token.isUnresolved(vpc.vpcCidrBlock)) return vpc.vpcCidrBlock;
  const resource = vpc.node.defaultChild;
  if (resource instanceof ec2.CfnVPC && resource.cidrBlock && !Token.isUnresolved(resource.cidrBlock)) {
    return resource.cidrBlock;
  }
  return undefined;
}

function isRfc1918(cidr: string): boolean {
  const [a, b] = cidr.split('/')[0].split('.').map(Number);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}
