import { Annotations, Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { MastodonApplicationSecrets } from './mastodon-application-secrets';
import {
  MastodonAuroraOptions,
  MastodonImportedSecrets,
  MastodonMediaOptions,
  MastodonRedisOptions,
} from './mastodon-database-options';
import { MediaPublicAccess } from './media-public-access';
import { MediaBucket } from './private/media-bucket';
import { RedisReplicationGroup } from './private/redis-replication-group';
import { MastodonVersion } from '../mastodon/mastodon-version';
import {
  AURORA_RESERVED_CONNECTIONS,
  auroraServerlessV2MaxConnections,
} from '../mastodon/private/aurora-connections';
import { SCHEDULER_QUEUE } from '../mastodon/private/queue-table';
import { invalidConfiguration, invalidProp, requireLiterals } from '../private/errors';

/** Settings of the data tier that a composite passes through unchanged. */
export interface MastodonDatabaseOptions {
  /**
   * Aurora PostgreSQL Serverless v2 settings.
   *
   * @default - 0.5 to 5 ACU, no readers, 7 days of backups, deletion protection
   */
  readonly aurora?: MastodonAuroraOptions;

  /**
   * ElastiCache Redis settings.
   *
   * @default - cache.t4g.small, primary + 2 replicas, Multi-AZ, TLS, noeviction
   */
  readonly redis?: MastodonRedisOptions;

  /**
   * Media bucket settings.
   *
   * @default - ACLs disabled, public read through a bucket policy, CORS for the web domain
   */
  readonly media?: MastodonMediaOptions;

  /**
   * Existing application secrets to use instead of generating them (for migrating an instance).
   *
   * @default - every application secret is generated once
   */
  readonly importedSecrets?: MastodonImportedSecrets;

  /**
   * What happens to the data when it leaves the stack. `SNAPSHOT` keeps final snapshots of
   * Aurora and Redis and retains the bucket and secrets; `RETAIN` keeps everything, helper
   * resources included; `DESTROY` deletes everything (test stacks only).
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Subnets for Aurora and Redis.
   *
   * @default - the VPC's isolated subnets, or its private subnets if it has no isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** Props of {@link MastodonDatabase}. */
export interface MastodonDatabaseProps extends MastodonDatabaseOptions {
  /** The VPC of the deployment. */
  readonly vpc: ec2.IVpc;

  /**
   * The server's domain, Mastodon's `LOCAL_DOMAIN` (the part after the @ of every handle).
   * It can never change once the server has federated.
   */
  readonly domain: string;

  /**
   * The domain the web interface is served on (`WEB_DOMAIN`), when it differs from `domain`.
   * It can never change either.
   *
   * @default - same as `domain`
   */
  readonly webDomain?: string;

  /**
   * The Mastodon release the deployment runs; decides the minimum PostgreSQL and Redis versions
   * and the Sidekiq queues every host must serve.
   *
   * @default MastodonVersion.latest()
   */
  readonly mastodonVersion?: MastodonVersion;
}

const DEFAULT_ENGINE = rds.AuroraPostgresEngineVersion.VER_16_6;

/**
 * The data tier of a Mastodon deployment, and its identity: Aurora PostgreSQL Serverless v2,
 * a non-clustered ElastiCache Redis replication group, the S3 media bucket and the
 * application secrets. Hosts attach to it; it admits only them.
 *
 * One `MastodonDatabase` is one Mastodon deployment: exactly one `SidekiqSchedulerHost` may
 * attach to it, and the hosts attached to it must serve every Sidekiq queue of its version.
 */
export class MastodonDatabase extends Construct {
  /** The Aurora PostgreSQL cluster. */
  public readonly cluster: rds.DatabaseCluster;
  /** The generated database credentials (JSON with `username` and `password`). */
  public readonly databaseSecret: secretsmanager.ISecret;
  /** Name of the Mastodon database (`DB_NAME`). */
  public readonly databaseName: string;
  /** The Redis replication group (non-clustered, one node group). */
  public readonly redis: elasticache.CfnReplicationGroup;
  /** Primary endpoint of Redis (all writes; Sidekiq). */
  public readonly redisEndpointAddress: string;
  /** Redis port. */
  public readonly redisPort: number;
  /** Whether Redis requires TLS. */
  public readonly redisTransitEncryption: boolean;
  /** Number of Redis nodes (primary plus replicas). */
  public readonly redisNodeCount: number;
  /** With an AUTH token: the secret holding the whole `REDIS_URL`. */
  public readonly redisUrlSecret?: secretsmanager.ISecret;
  /** The media bucket. */
  public readonly mediaBucket: s3.Bucket;
  /** Mastodon's `S3_PERMISSION`, consistent with the bucket's ACL setting. */
  public readonly s3Permission: string;
  /** How media is made readable. */
  public readonly mediaPublicAccess: MediaPublicAccess;
  /** `S3_ALIAS_HOST`, when a CDN serves the media. */
  public readonly mediaAliasHost?: string;
  /** Mastodon's application keys in Secrets Manager. */
  public readonly applicationSecrets: MastodonApplicationSecrets;
  /** `LOCAL_DOMAIN`. */
  public readonly domain: string;
  /** `WEB_DOMAIN` (equals `domain` unless split). */
  public readonly webDomain: string;
  /** The Mastodon release of the deployment. */
  public readonly mastodonVersion: MastodonVersion;
  /** Maximum Aurora capacity in ACU, for connection budgeting. */
  public readonly serverlessV2MaxCapacity: number;

  private readonly redisGroup: RedisReplicationGroup;
  private schedulerHost?: IConstruct;
  private readonly sidekiqHosts: Array<{
    readonly host: IConstruct;
    readonly queues: string[];
    readonly peakConnections: number;
    readonly connectionsExplained: string;
  }> = [];

  constructor(scope: Construct, id: string, props: MastodonDatabaseProps) {
    super(scope, id);
    this.domain = props.domain;
    this.webDomain = props.webDomain ?? props.domain;
    this.mastodonVersion = props.mastodonVersion ?? MastodonVersion.latest();
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const subnets = props.vpcSubnets ?? defaultDataSubnets(props.vpc);
    checkDomain(this, 'domain', props.domain);
    if (this.mastodonVersion.isNewerThanKnownLines) {
      Annotations.of(this).addWarningV2(
        'cdk-mastodon:unknown-mastodon-line',
        `mastodonVersion ${this.mastodonVersion.version} is newer than the release lines this library knows; it assumes the queues and minimums of the newest known line. Check the release notes for new Sidekiq queues and minimum versions.`,
      );
    }
    if (this.mastodonVersion.isEndOfLife) {
      Annotations.of(this).addWarningV2(
        'cdk-mastodon:end-of-life-mastodon',
        `mastodonVersion ${this.mastodonVersion.version}: the Mastodon team no longer publishes security fixes for ${this.mastodonVersion.releaseLine}. Upgrade to MastodonVersion.latest().`,
      );
    }
    if (props.webDomain !== undefined) checkDomain(this, 'webDomain', props.webDomain);

    const aurora = props.aurora ?? {};
    const engineVersion = aurora.engineVersion ?? DEFAULT_ENGINE;
    const minAcu = aurora.serverlessV2MinCapacity ?? 0.5;
    const maxAcu = aurora.serverlessV2MaxCapacity ?? 5;
    const readers = aurora.readers ?? 0;
    this.serverlessV2MaxCapacity = maxAcu;
    // Fixed, not a prop: the name is create-only, and a new name would replace the cluster with an
    // empty one (and the scheduler would then prepare a fresh database on the live domain).
    this.databaseName = 'mastodon_production';
    this.checkAurora(engineVersion, minAcu, maxAcu, readers, aurora.backupRetention);

    // Created explicitly so its logical ID is ours and it outlives the cluster it belongs to.
    const credentials = new rds.DatabaseSecret(this, 'Credentials', { username: 'mastodon' });
    credentials.applyRemovalPolicy(
      removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    );
    this.databaseSecret = credentials;

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: engineVersion }),
      vpc: props.vpc,
      vpcSubnets: subnets,
      credentials: rds.Credentials.fromSecret(credentials),
      defaultDatabaseName: this.databaseName,
      serverlessV2MinCapacity: minAcu,
      serverlessV2MaxCapacity: maxAcu,
      writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
      // Promotion tier 1 lets a reader scale with the writer, so a failover lands on a warm instance.
      readers: Array.from({ length: readers }, (_, i) =>
        rds.ClusterInstance.serverlessV2(`Reader${i + 1}`, {
          scaleWithWriter: true,
          autoMinorVersionUpgrade: true,
        }),
      ),
      storageEncrypted: true,
      backup: { retention: aurora.backupRetention ?? Duration.days(7) },
      deletionProtection: aurora.deletionProtection ?? removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
      copyTagsToSnapshot: true,
      iamAuthentication: false,
      cloudwatchLogsExports: ['postgresql'],
    });
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-RDS6',
      reason:
        'Mastodon connects with a PostgreSQL password (DB_PASS); Rails and its pg driver cannot use IAM authentication tokens',
    });
    Validations.of(credentials).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The hosts write DB_PASS into .env.production at boot; a rotated password would cut off every running host until it is replaced. Rotate by a rolling host replacement instead',
    });
    if (!(aurora.deletionProtection ?? removalPolicy !== RemovalPolicy.DESTROY)) {
      Validations.of(this.cluster).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason:
          'Deletion protection is on by default; it is off only because the user chose removalPolicy DESTROY (test stacks) or deletionProtection: false',
      });
    }

    this.redisGroup = new RedisReplicationGroup(this, 'Redis', {
      ...props.redis,
      vpc: props.vpc,
      subnets,
      mastodonVersion: this.mastodonVersion,
      removalPolicy,
    });
    this.redis = this.redisGroup.replicationGroup;
    this.redisEndpointAddress = this.redisGroup.primaryEndpointAddress;
    this.redisPort = this.redisGroup.port;
    this.redisTransitEncryption = this.redisGroup.transitEncryption;
    this.redisNodeCount = this.redisGroup.nodeCount;
    this.redisUrlSecret = this.redisGroup.urlSecret;

    const media = new MediaBucket(this, 'MediaBucket', {
      ...props.media,
      corsOrigins: [`https://${this.webDomain}`],
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.mediaBucket = media.bucket;
    this.s3Permission = media.s3Permission;
    this.mediaPublicAccess = media.publicAccess;
    this.mediaAliasHost = props.media?.aliasHost;

    this.applicationSecrets = new MastodonApplicationSecrets(this, 'ApplicationSecrets', {
      mastodonVersion: this.mastodonVersion,
      importedSecrets: props.importedSecrets,
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    this.node.addValidation({
      validate: () => [...this.validateSidekiqCoverage(), ...this.validateConnectionBudget()],
    });
  }

  /** Security group rules of the Aurora cluster. */
  public get databaseConnections(): ec2.Connections {
    return this.cluster.connections;
  }

  /** Security group rules of Redis. */
  public get redisConnections(): ec2.Connections {
    return this.redisGroup.connections;
  }

  /** Admits `other` to PostgreSQL and Redis on their ports (and nothing else). */
  public allowDefaultPortsFrom(other: ec2.IConnectable, description?: string): void {
    this.cluster.connections.allowDefaultPortFrom(other, description ?? 'Mastodon host to PostgreSQL');
    this.redisGroup.connections.allowDefaultPortFrom(other, description ?? 'Mastodon host to Redis');
  }

  /**
   * Grants what a Mastodon host needs from the data tier: read/write of media objects (never
   * bucket administration) and reading the database credentials, the Redis token and the
   * application secrets.
   */
  public grantHostAccess(grantee: iam.IGrantable): void {
    this.mediaBucket.grantReadWrite(grantee);
    if (this.s3Permission !== '') {
      // Uploading with a canned ACL needs PutObjectAcl as well.
      this.mediaBucket.grantPutAcl(grantee);
    }
    this.databaseSecret.grantRead(grantee);
    this.redisUrlSecret?.grantRead(grantee);
    for (const secret of this.applicationSecrets.secrets) secret.grantRead(grantee);
  }

  /**
   * Registers a host group that runs Sidekiq with the given queues and opens up to
   * `peakConnections` database connections. Called by the host constructs; refuses a second
   * group that serves `scheduler`.
   *
   * @internal
   */
  public _registerSidekiqHost(
    host: IConstruct,
    queues: string[],
    peakConnections: number,
    connectionsExplained: string,
  ): void {
    if (queues.includes(SCHEDULER_QUEUE)) {
      if (this.schedulerHost !== undefined && this.schedulerHost !== host) {
        throw invalidConfiguration(
          host,
          `a second host serves the '${SCHEDULER_QUEUE}' queue of ${this.node.path}`,
          `${this.schedulerHost.node.path} already serves it, and Sidekiq's scheduler must run in exactly one process or every scheduled job (cleanups, digests, trends) runs twice`,
          'Keep one SidekiqSchedulerHost per MastodonDatabase; for more Sidekiq capacity scale the web fleet, whose hosts serve every other queue',
        );
      }
      this.schedulerHost = host;
    }
    this.sidekiqHosts.push({ host, queues, peakConnections, connectionsExplained });
  }

  /** The host that serves the `scheduler` queue, if one is attached. */
  public get scheduler(): IConstruct | undefined {
    return this.schedulerHost;
  }

  private validateSidekiqCoverage(): string[] {
    if (this.sidekiqHosts.length === 0) return [];
    const served = new Set(this.sidekiqHosts.flatMap((h) => h.queues));
    const missing = this.mastodonVersion.sidekiqQueueNames.filter((q) => !served.has(q));
    if (missing.length === 0) return [];
    return [
      `sidekiq queues of Mastodon ${this.mastodonVersion.version} not served by any host: ${missing.join(', ')}: ` +
        `jobs in an unserved queue are never run (without 'ingress' incoming federation silently stops; without '${SCHEDULER_QUEUE}' no scheduled job runs). ` +
        `Attach one SidekiqSchedulerHost and leave sidekiqQueues unset (the defaults serve every queue), or add the missing queues to a host's sidekiqQueues`,
    ];
  }

  /**
   * The hosts' connection pools at the fleet's maximum size must fit Aurora's `max_connections`
   * at the maximum ACU; within 80% of it is a warning.
   */
  private validateConnectionBudget(): string[] {
    if (this.sidekiqHosts.length === 0 || Token.isUnresolved(this.serverlessV2MaxCapacity)) return [];
    const limit =
      auroraServerlessV2MaxConnections(this.serverlessV2MaxCapacity) - AURORA_RESERVED_CONNECTIONS;
    const total = this.sidekiqHosts.reduce((sum, h) => sum + h.peakConnections, 0);
    const breakdown = this.sidekiqHosts
      .map((h) => `${h.host.node.path}: ${h.connectionsExplained}`)
      .join('; ');
    const numbers = `the hosts can open ${total} database connections at their maximum size (${breakdown}), and Aurora allows ${limit} at aurora.serverlessV2MaxCapacity ${this.serverlessV2MaxCapacity} ACU (max_connections ${limit + AURORA_RESERVED_CONNECTIONS} less ${AURORA_RESERVED_CONNECTIONS} reserved)`;
    if (total > limit) {
      return [
        `connection budget exceeded: ${numbers}. Raise aurora.serverlessV2MaxCapacity, or lower the web fleet's maxCapacity, webConcurrency, maxThreads, sidekiqConcurrency or streamingDbPool`,
      ];
    }
    if (total > 0.8 * limit) {
      Annotations.of(this).addWarningV2(
        'cdk-mastodon:connection-budget',
        `connection budget above 80%: ${numbers}. A burst of scaling may exhaust connections; consider a larger aurora.serverlessV2MaxCapacity`,
      );
    }
    return [];
  }

  private checkAurora(
    engineVersion: rds.AuroraPostgresEngineVersion,
    minAcu: number,
    maxAcu: number,
    readers: number,
    backupRetention?: Duration,
  ): void {
    const full = engineVersion.auroraPostgresFullVersion;
    if (!Token.isUnresolved(full)) {
      const problem = this.mastodonVersion.postgresProblem(full);
      if (problem) {
        throw invalidProp(
          this,
          'aurora.engineVersion',
          full,
          problem,
          `Use rds.AuroraPostgresEngineVersion.VER_16_6 (the default) or another supported version`,
        );
      }
    }
    requireLiterals(
      this,
      {
        'aurora.serverlessV2MinCapacity': minAcu,
        'aurora.serverlessV2MaxCapacity': maxAcu,
        'aurora.readers': readers,
      },
      'the connection budget and capacity checks need the value',
    );
    const acuRule =
      'Aurora Serverless v2 capacity goes from 0 to 256 ACU in steps of 0.5, and the maximum must be at least 1 and not below the minimum';
    if (!Token.isUnresolved(minAcu) && (minAcu < 0 || minAcu > 256 || minAcu % 0.5 !== 0)) {
      throw invalidProp(
        this,
        'aurora.serverlessV2MinCapacity',
        minAcu,
        acuRule,
        'Choose a minimum such as 0.5 (the default)',
      );
    }
    if (!Token.isUnresolved(maxAcu) && (maxAcu < 1 || maxAcu > 256 || maxAcu % 0.5 !== 0)) {
      throw invalidProp(
        this,
        'aurora.serverlessV2MaxCapacity',
        maxAcu,
        acuRule,
        'Choose a maximum from 1 to 256 such as 5 (the default)',
      );
    }
    if (!Token.isUnresolved(minAcu) && !Token.isUnresolved(maxAcu) && minAcu > maxAcu) {
      throw invalidProp(
        this,
        'aurora.serverlessV2MinCapacity',
        minAcu,
        `it is above serverlessV2MaxCapacity (${maxAcu}). ${acuRule}`,
        'Lower the minimum or raise the maximum',
      );
    }
    if (!Token.isUnresolved(readers) && (readers < 0 || readers > 15 || !Number.isInteger(readers))) {
      throw invalidProp(
        this,
        'aurora.readers',
        readers,
        'an Aurora cluster has 0 to 15 readers',
        'Choose a whole number from 0 to 15',
      );
    }
    if (backupRetention !== undefined && !backupRetention.isUnresolved()) {
      const days = backupRetention.toDays({ integral: false });
      if (!Number.isInteger(days)) {
        throw invalidProp(
          this,
          'aurora.backupRetention',
          backupRetention.toString(),
          'Aurora keeps automated backups for whole days',
          'Use Duration.days(n) with n from 1 to 35',
        );
      }
      if (days < 1 || days > 35) {
        throw invalidProp(
          this,
          'aurora.backupRetention',
          `${days} days`,
          'Aurora keeps automated backups for 1 to 35 days',
          'Choose a retention from Duration.days(1) to Duration.days(35)',
        );
      }
    }
  }
}

function defaultDataSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return vpc.isolatedSubnets.length > 0
    ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }
    : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
}

function checkDomain(scope: IConstruct, prop: string, domain: string): void {
  if (Token.isUnresolved(domain)) return;
  const valid = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain);
  if (!valid) {
    throw invalidProp(
      scope,
      prop,
      domain,
      'Mastodon needs a lower-case DNS name without scheme, port or path, and it becomes part of every handle on the server',
      "Give a host name such as 'social.example.com'",
    );
  }
}
