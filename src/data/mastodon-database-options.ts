import { Duration } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { MediaPublicAccess } from './media-public-access';

/** Settings of the Aurora PostgreSQL Serverless v2 cluster. */
export interface MastodonAuroraOptions {
  /**
   * Aurora PostgreSQL engine version. Must meet the Mastodon version's minimum.
   *
   * @default rds.AuroraPostgresEngineVersion.VER_16_6
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;

  /**
   * Minimum capacity of every instance, in Aurora capacity units (ACU).
   *
   * @default 0.5
   */
  readonly serverlessV2MinCapacity?: number;

  /**
   * Maximum capacity of every instance, in ACU (AWS allows 1 to 256). Aurora derives
   * `max_connections` from it, which the library checks against the hosts' connection pools.
   *
   * @default 5
   */
  readonly serverlessV2MaxCapacity?: number;

  /**
   * Number of Serverless v2 readers, placed in other Availability Zones than the writer. Readers
   * are in promotion tier 1 and scale with the writer, so a failover lands on a warm instance.
   *
   * @default 0
   */
  readonly readers?: number;

  /**
   * How long automated backups are kept.
   *
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * Whether the cluster has deletion protection.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** Settings of the ElastiCache Redis replication group that Sidekiq and the feeds use. */
export interface MastodonRedisOptions {
  /**
   * Cache node type.
   *
   * @default 'cache.t4g.small'
   */
  readonly nodeType?: string;

  /**
   * Number of read replicas next to the primary; the group has `replicas + 1` nodes.
   * With 0, automatic failover and Multi-AZ are off.
   *
   * @default 2
   */
  readonly replicas?: number;

  /**
   * Redis engine version. Must meet the Mastodon version's minimum.
   *
   * @default '7.1'
   */
  readonly engineVersion?: string;

  /**
   * Whether clients must use TLS (`rediss://`, `REDIS_DRIVER=ruby` on the hosts).
   *
   * @default true
   */
  readonly transitEncryption?: boolean;

  /**
   * Whether Redis requires an AUTH token, generated into Secrets Manager. Needs
   * `transitEncryption`.
   *
   * @default false
   */
  readonly authToken?: boolean;

  /**
   * Number of node groups (shards). Sidekiq cannot use more than one: any other value is refused.
   *
   * @default 1
   */
  readonly nodeGroups?: number;

  /**
   * Whether the replication group runs in cluster mode. Sidekiq fails with `CROSSSLOT` on Redis
   * Cluster, so `true` is refused; the prop exists so a configuration copied from a clustered
   * setup fails at synth time instead of in production.
   *
   * @default false
   */
  readonly clusterMode?: boolean;

  /**
   * Name of an existing cache parameter group to use instead of the one the library creates.
   * It must not be cluster-enabled and must set `maxmemory-policy` to `noeviction`, which the
   * library cannot check for you; a name of a cluster-enabled default group is refused.
   *
   * @default - a parameter group with `maxmemory-policy noeviction` is created
   */
  readonly parameterGroupName?: string;

  /**
   * `maxmemory-policy` of the created parameter group. Sidekiq's data needs `noeviction`;
   * any other policy silently drops jobs and is refused.
   *
   * @default 'noeviction'
   */
  readonly maxmemoryPolicy?: string;

  /**
   * How many days ElastiCache keeps automatic daily snapshots.
   *
   * @default 7
   */
  readonly snapshotRetentionDays?: number;
}

/** Settings of the S3 bucket for uploaded and cached media. */
export interface MastodonMediaOptions {
  /**
   * How the media is readable by browsers and other servers; decides `S3_PERMISSION` too.
   *
   * @default MediaPublicAccess.BUCKET_POLICY
   */
  readonly publicAccess?: MediaPublicAccess;

  /**
   * Override for Mastodon's `S3_PERMISSION`. Must agree with `publicAccess`: a bucket with ACLs
   * disabled rejects any ACL but none or `private`.
   *
   * @default - '' for BUCKET_POLICY and NONE, 'public-read' for OBJECT_ACL
   */
  readonly s3Permission?: string;

  /**
   * Host name (no scheme) of a CDN or proxy that serves the bucket (`S3_ALIAS_HOST`).
   *
   * @default - media URLs point at the bucket's S3 endpoint
   */
  readonly aliasHost?: string;

  /**
   * Extra origins allowed by the bucket's CORS rule, besides `https://<web domain>`.
   *
   * @default - none
   */
  readonly additionalCorsOrigins?: string[];

  /**
   * Whether the bucket keeps old versions of overwritten and deleted objects.
   *
   * @default false
   */
  readonly versioned?: boolean;

  /**
   * Whether to empty the bucket when it is deleted. Only allowed with a `DESTROY` removal policy.
   *
   * @default false
   */
  readonly autoDeleteObjects?: boolean;
}

/**
 * Existing Secrets Manager secrets to use instead of generating new ones, for an instance that
 * moves onto this library with its keys. Each secret holds the plain value (not JSON).
 */
export interface MastodonImportedSecrets {
  /**
   * `SECRET_KEY_BASE`.
   *
   * @default - generated once
   */
  readonly secretKeyBase?: secretsmanager.ISecret;

  /**
   * `OTP_SECRET` (only read by Mastodon 4.3).
   *
   * @default - generated once when the version reads it
   */
  readonly otpSecret?: secretsmanager.ISecret;

  /**
   * A JSON secret with the fields `VAPID_PRIVATE_KEY` and `VAPID_PUBLIC_KEY`.
   *
   * @default - an EC P-256 key pair generated once
   */
  readonly vapidKeys?: secretsmanager.ISecret;

  /**
   * A JSON secret with the fields `ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY`,
   * `ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY` and
   * `ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT`.
   *
   * @default - generated once
   */
  readonly activeRecordEncryption?: secretsmanager.ISecret;
}
