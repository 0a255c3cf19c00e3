import { RemovalPolicy, SecretValue, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { MastodonVersion } from '../../mastodon/mastodon-version';
import { invalidProp, requireLiterals } from '../../private/errors';
import { compareVersions } from '../../private/versions';
import { MastodonRedisOptions } from '../mastodon-database-options';

const CROSSSLOT =
  "Sidekiq does not support Redis Cluster: its multi-key commands fail with 'CROSSSLOT Keys in request don't hash to the same slot' once keys spread over shards";

export interface RedisReplicationGroupProps extends MastodonRedisOptions {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly mastodonVersion: MastodonVersion;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A non-clustered ElastiCache Redis replication group for Sidekiq, feeds and cache: one node
 * group, a primary and replicas, `maxmemory-policy noeviction`.
 */
export class RedisReplicationGroup extends Construct implements ec2.IConnectable {
  public readonly connections: ec2.Connections;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  public readonly authTokenSecret?: secretsmanager.Secret;
  /**
   * With an AUTH token: a secret holding the whole `rediss://` URL with the token, composed by
   * CloudFormation from a dynamic reference (the token never appears in the template).
   */
  public readonly urlSecret?: secretsmanager.Secret;
  public readonly port = 6379;
  public readonly transitEncryption: boolean;
  public readonly nodeCount: number;

  constructor(scope: Construct, id: string, props: RedisReplicationGroupProps) {
    super(scope, id);
    const prefix = 'redis';
    const replicas = props.replicas ?? 2;
    const nodeGroups = props.nodeGroups ?? 1;
    const engineVersion = props.engineVersion ?? '7.1';
    const maxmemoryPolicy = props.maxmemoryPolicy ?? 'noeviction';
    this.transitEncryption = props.transitEncryption ?? true;
    const snapshotRetentionDays = props.snapshotRetentionDays ?? 7;

    if (props.clusterMode === true) {
      throw invalidProp(
        this,
        `${prefix}.clusterMode`,
        true,
        CROSSSLOT,
        'Remove clusterMode: the library creates a non-clustered replication group, which scales by node type and replicas',
      );
    }
    if (!Token.isUnresolved(nodeGroups) && nodeGroups !== 1) {
      throw invalidProp(
        this,
        `${prefix}.nodeGroups`,
        nodeGroups,
        CROSSSLOT,
        'Use nodeGroups: 1 (the default) and scale Redis with a larger nodeType',
      );
    }
    if (props.parameterGroupName !== undefined && /cluster[.-]?on/i.test(props.parameterGroupName)) {
      throw invalidProp(
        this,
        `${prefix}.parameterGroupName`,
        props.parameterGroupName,
        `this parameter group enables cluster mode. ${CROSSSLOT}`,
        'Leave parameterGroupName unset so the library creates a non-clustered group with maxmemory-policy noeviction',
      );
    }
    if (props.parameterGroupName !== undefined && props.maxmemoryPolicy !== undefined) {
      throw invalidProp(
        this,
        `${prefix}.maxmemoryPolicy`,
        props.maxmemoryPolicy,
        'maxmemoryPolicy only applies to the parameter group the library creates, and parameterGroupName replaces it',
        'Set one of parameterGroupName and maxmemoryPolicy',
      );
    }
    const nodeType = props.nodeType ?? 'cache.t4g.small';
    if (!Token.isUnresolved(nodeType) && !/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(nodeType)) {
      throw invalidProp(
        this,
        `${prefix}.nodeType`,
        nodeType,
        `it is not an ElastiCache node type. Cluster-only Redis services (ElastiCache Serverless, MemoryDB) cannot serve Sidekiq: ${CROSSSLOT}`,
        "Choose a node type such as 'cache.t4g.small' (the default) or 'cache.r7g.large'",
      );
    }
    if (maxmemoryPolicy !== 'noeviction') {
      throw invalidProp(
        this,
        `${prefix}.maxmemoryPolicy`,
        maxmemoryPolicy,
        'Sidekiq keeps its queues in this Redis, and an eviction policy silently drops queued jobs when memory runs out',
        "Keep 'noeviction' and size the node for the queues; an evicting cache belongs in a separate Redis (CACHE_REDIS_URL)",
      );
    }
    if (!Token.isUnresolved(replicas) && (replicas < 0 || replicas > 5 || !Number.isInteger(replicas))) {
      throw invalidProp(
        this,
        `${prefix}.replicas`,
        replicas,
        'ElastiCache allows 0 to 5 read replicas per node group',
        'Choose a whole number from 0 to 5',
      );
    }
    const minRedis = props.mastodonVersion.minRedisVersion;
    if (!Token.isUnresolved(engineVersion) && compareVersions(engineVersion, minRedis) < 0) {
      throw invalidProp(
        this,
        `${prefix}.engineVersion`,
        engineVersion,
        `Mastodon ${props.mastodonVersion.version} needs Redis ${minRedis} or newer`,
        `Use engineVersion '7.1' (the default) or at least '${minRedis}'`,
      );
    }
    // ElastiCache's Redis OSS families: redis6.x for 6.x, redis7 for 7.x.
    const family = /^6\.2$/.test(engineVersion)
      ? 'redis6.x'
      : /^7\.[01]$/.test(engineVersion)
        ? 'redis7'
        : undefined;
    if (
      !Token.isUnresolved(engineVersion) &&
      family === undefined &&
      props.parameterGroupName === undefined
    ) {
      throw invalidProp(
        this,
        `${prefix}.engineVersion`,
        engineVersion,
        "ElastiCache's Redis OSS versions are 6.2, 7.0 and 7.1 (the library creates the matching parameter group)",
        "Use '7.1' (the default), '7.0' or '6.2'",
      );
    }
    if (
      !Token.isUnresolved(snapshotRetentionDays) &&
      (!Number.isInteger(snapshotRetentionDays) || snapshotRetentionDays < 0 || snapshotRetentionDays > 35)
    ) {
      throw invalidProp(
        this,
        `${prefix}.snapshotRetentionDays`,
        snapshotRetentionDays,
        'ElastiCache keeps automatic snapshots for 0 to 35 days',
        'Choose a whole number from 1 to 35; 7 is the default',
      );
    }
    requireLiterals(
      this,
      { [`${prefix}.replicas`]: replicas, [`${prefix}.nodeGroups`]: nodeGroups },
      'failover, Multi-AZ and the node count are derived from it',
    );
    if (props.authToken === true && !this.transitEncryption) {
      throw invalidProp(
        this,
        `${prefix}.authToken`,
        true,
        'ElastiCache accepts an AUTH token only with in-transit encryption, and a token sent in clear text protects nothing',
        'Set transitEncryption: true (the default) or drop authToken',
      );
    }
    const failover = replicas > 0;
    this.nodeCount = replicas + 1;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Mastodon Redis: admits only the Mastodon hosts',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(this.port),
    });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'Mastodon Redis subnets',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });

    let parameterGroupName = props.parameterGroupName;
    let parameterGroup: elasticache.CfnParameterGroup | undefined;
    if (parameterGroupName === undefined) {
      parameterGroup = new elasticache.CfnParameterGroup(this, 'ParameterGroup', {
        description: 'Mastodon Redis: non-clustered, noeviction for Sidekiq',
        cacheParameterGroupFamily: family ?? 'redis7',
        properties: { 'maxmemory-policy': maxmemoryPolicy, 'cluster-enabled': 'no' },
      });
      parameterGroupName = parameterGroup.ref;
    }

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-AEC5',
      reason:
        "Mastodon's REDIS_PORT follows the group's port; a non-default port adds no protection, as the security group admits only the Mastodon hosts (and the bastion)",
    });
    if (!props.authToken) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-AEC6',
        reason:
          'The AUTH token is opt-in (redis.authToken: true): the group is reachable only from the Mastodon hosts through its security group, in isolated subnets, with TLS on by default',
      });
    }
    if (props.authToken) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The hosts write REDIS_URL with the AUTH token into .env.production at boot; rotating the token needs an ElastiCache AUTH rotation plus a rolling host replacement, which Secrets Manager rotation cannot do',
      });
      this.authTokenSecret = new secretsmanager.Secret(this, 'AuthToken', {
        description: 'Mastodon Redis AUTH token',
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      });
    }

    // Create-only properties are always emitted explicitly, so that turning an option on in a
    // later release cannot silently change a default and force a replacement.
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Resource', {
      replicationGroupDescription: 'Mastodon Redis (non-clustered)',
      engine: 'redis',
      engineVersion,
      cacheNodeType: nodeType,
      numCacheClusters: this.nodeCount,
      automaticFailoverEnabled: failover,
      multiAzEnabled: failover,
      clusterMode: 'disabled',
      cacheParameterGroupName: parameterGroupName,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      port: this.port,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: this.transitEncryption,
      transitEncryptionMode: this.transitEncryption ? 'required' : undefined,
      authToken: this.authTokenSecret?.secretValue.unsafeUnwrap(),
      networkType: 'ipv4',
      ipDiscovery: 'ipv4',
      dataTieringEnabled: false,
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: snapshotRetentionDays,
    });

    // Redis keeps a final snapshot when it is deleted or replaced (unless told to DESTROY); the
    // helper resources follow a RETAIN so a retained group is never left without them.
    const redisPolicy =
      props.removalPolicy === RemovalPolicy.DESTROY
        ? RemovalPolicy.DESTROY
        : props.removalPolicy === RemovalPolicy.RETAIN
          ? RemovalPolicy.RETAIN
          : RemovalPolicy.SNAPSHOT;
    this.replicationGroup.applyRemovalPolicy(redisPolicy);
    const helperPolicy = redisPolicy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    subnetGroup.applyRemovalPolicy(helperPolicy);
    parameterGroup?.applyRemovalPolicy(helperPolicy);
    this.securityGroup.applyRemovalPolicy(helperPolicy);
    if (this.authTokenSecret) {
      this.urlSecret = new secretsmanager.Secret(this, 'Url', {
        description: 'Mastodon REDIS_URL (with the AUTH token)',
        secretStringValue: SecretValue.unsafePlainText(
          `rediss://:${this.authTokenSecret.secretValue.unsafeUnwrap()}@${this.primaryEndpointAddress}:${this.port}/0`,
        ),
      });
      this.urlSecret.applyRemovalPolicy(
        redisPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      );
    }
    this.authTokenSecret?.applyRemovalPolicy(
      redisPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    );
  }

  /** Primary endpoint address (writes and Sidekiq). */
  public get primaryEndpointAddress(): string {
    return this.replicationGroup.attrPrimaryEndPointAddress;
  }
}
