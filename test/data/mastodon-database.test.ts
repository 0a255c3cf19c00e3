import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { MastodonVersion, MediaPublicAccess } from '../../src';
import { newDatabase, newStack } from '../helpers';

describe('MastodonDatabase defaults', () => {
  const { stack, vpc } = newStack();
  const db = newDatabase(stack, vpc);
  const t = Template.fromStack(stack);

  test('Aurora PostgreSQL with a Serverless v2 writer of 0.5-5 ACU, encrypted, 7-day backups, protected', () => {
    t.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '16.6',
      StorageEncrypted: true,
      BackupRetentionPeriod: 7,
      DeletionProtection: true,
      DatabaseName: 'mastodon_production',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 5 },
    });
    t.resourceCountIs('AWS::RDS::DBInstance', 1);
    t.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PromotionTier: 0 });
    t.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  test('credentials are generated into Secrets Manager and retained', () => {
    t.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"mastodon"}' }),
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('Redis: one node group, primary plus 2 replicas, failover, Multi-AZ, encrypted, noeviction', () => {
    t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      EngineVersion: '7.1',
      CacheNodeType: 'cache.t4g.small',
      NumCacheClusters: 3,
      ClusterMode: 'disabled',
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      SnapshotRetentionLimit: 7,
      CacheParameterGroupName: { Ref: Match.stringLikeRegexp('RedisParameterGroup') },
    });
    t.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'redis7',
      Properties: { 'maxmemory-policy': 'noeviction', 'cluster-enabled': 'no' },
    });
    t.hasResource('AWS::ElastiCache::ReplicationGroup', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
    expect(db.redisNodeCount).toBe(3);
  });

  test('media bucket: SSE, TLS only, ACLs disabled with a read-only public policy, CORS GET/HEAD for the site, retained', () => {
    t.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: false,
        },
        CorsConfiguration: {
          CorsRules: [
            {
              AllowedOrigins: ['https://social.example.com'],
              AllowedMethods: ['GET', 'HEAD'],
              AllowedHeaders: ['*'],
              MaxAge: 3000,
            },
          ],
        },
      }),
      DeletionPolicy: 'Retain',
    });
    const policy = JSON.stringify(t.findResources('AWS::S3::BucketPolicy'));
    expect(policy).toContain('"aws:SecureTransport":"false"');
    expect(policy).toContain('PublicReadOfMastodonMedia');
    expect(policy).not.toContain('s3:ListBucket');
    expect(db.s3Permission).toBe('');
  });

  test('data security groups admit nobody until a host attaches', () => {
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('application secrets: SECRET_KEY_BASE, VAPID (custom resource) and three Active Record keys; no OTP_SECRET after 4.3', () => {
    const names = db.applicationSecrets.variables.map((v) => v.variable);
    expect(names).toEqual([
      'SECRET_KEY_BASE',
      'VAPID_PRIVATE_KEY',
      'VAPID_PUBLIC_KEY',
      'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY',
      'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
      'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
    ]);
    t.resourceCountIs('Custom::MastodonVapidKeys', 1);
  });
});

describe('MastodonDatabase props', () => {
  test('readers are Serverless v2 in promotion tier 1 (scale with the writer)', () => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, {
      aurora: { readers: 2, serverlessV2MaxCapacity: 16, backupRetention: Duration.days(14) },
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::RDS::DBInstance', 3);
    expect(
      Object.values(t.findResources('AWS::RDS::DBInstance')).filter((r) => r.Properties.PromotionTier === 1),
    ).toHaveLength(2);
    t.hasResourceProperties('AWS::RDS::DBCluster', {
      BackupRetentionPeriod: 14,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
    });
  });

  test.each([0, 1, 2, 5])('redis replicas %i gives %i+1 nodes; failover only with replicas', (replicas) => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, { redis: { replicas } });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumCacheClusters: replicas + 1,
      AutomaticFailoverEnabled: replicas > 0,
      MultiAZEnabled: replicas > 0,
    });
  });

  test('auth token: generated secret, REDIS_URL secret composed by dynamic reference, never plaintext', () => {
    const { stack, vpc } = newStack();
    const db = newDatabase(stack, vpc, { redis: { authToken: true } });
    const t = Template.fromStack(stack);
    const rg = Object.values(t.findResources('AWS::ElastiCache::ReplicationGroup'))[0];
    expect(JSON.stringify(rg.Properties.AuthToken)).toMatch(/resolve:secretsmanager/);
    expect(db.redisUrlSecret).toBeDefined();
    const urlSecret = JSON.stringify(
      t.findResources('AWS::SecretsManager::Secret', {
        Properties: { Description: 'Mastodon REDIS_URL (with the AUTH token)' },
      }),
    );
    expect(urlSecret).toContain('rediss://:');
    expect(urlSecret).toContain('{{resolve:secretsmanager:');
  });

  test('OBJECT_ACL keeps Mastodon public-read ACLs, and the public policy so media from before a switch stays readable', () => {
    const { stack, vpc } = newStack();
    const db = newDatabase(stack, vpc, { media: { publicAccess: MediaPublicAccess.OBJECT_ACL } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: false,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    });
    expect(db.s3Permission).toBe('public-read');
    expect(JSON.stringify(t.findResources('AWS::S3::BucketPolicy'))).toContain('PublicReadOfMastodonMedia');
  });

  test.each([MediaPublicAccess.BUCKET_POLICY, MediaPublicAccess.OBJECT_ACL, MediaPublicAccess.NONE])(
    '%s: anonymous reads of user archives and imports are denied',
    (publicAccess) => {
      const { stack, vpc } = newStack();
      newDatabase(stack, vpc, { media: { publicAccess, aliasHost: 'files.example.com' } });
      const statements = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))[0]
        .Properties.PolicyDocument.Statement;
      const deny = statements.find((st: any) => st.Sid === 'DenyAnonymousReadOfPrivateExports');
      expect(deny).toMatchObject({ Effect: 'Deny', Action: 's3:GetObject', Principal: { AWS: '*' } });
      expect(JSON.stringify(deny.Resource)).toMatch(/backups\/\*.*imports\/\*/);
      expect(deny.Condition).toEqual({
        StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
      });
    },
  );

  test('Redis 6.2 gets the redis6.x parameter group family', () => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, { mastodonVersion: MastodonVersion.V4_4, redis: { engineVersion: '6.2' } });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'redis6.x',
    });
  });

  test('NONE keeps the bucket private and warns unless a CDN alias host serves it', () => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, { media: { publicAccess: MediaPublicAccess.NONE } });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    Annotations.fromStack(stack).hasWarning(
      '/Test/Database/MediaBucket',
      Match.stringLikeRegexp('nobody can read the media'),
    );
    const other = newStack('Other');
    const db = newDatabase(other.stack, other.vpc, {
      media: { publicAccess: MediaPublicAccess.NONE, aliasHost: 'files.example.com' },
    });
    expect(db.mediaAliasHost).toBe('files.example.com');
    Annotations.fromStack(other.stack).hasNoWarning('*', Match.stringLikeRegexp('nobody can read'));
  });

  test('additional CORS origins are added to the site origin; webDomain is the origin when split', () => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, {
      domain: 'example.com',
      webDomain: 'social.example.com',
      media: { additionalCorsOrigins: ['https://app.example.com'] },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({ AllowedOrigins: ['https://social.example.com', 'https://app.example.com'] }),
        ],
      },
    });
  });

  test('RETAIN reaches every helper resource so a retained database is not blocked', () => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, { removalPolicy: RemovalPolicy.RETAIN });
    const t = Template.fromStack(stack);
    for (const type of [
      'AWS::RDS::DBCluster',
      'AWS::RDS::DBSubnetGroup',
      'AWS::RDS::DBInstance',
      'AWS::ElastiCache::ReplicationGroup',
      'AWS::ElastiCache::SubnetGroup',
      'AWS::ElastiCache::ParameterGroup',
      'AWS::S3::Bucket',
    ]) {
      const resources = Object.values(t.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect([type, r.DeletionPolicy]).toEqual([type, 'Retain']);
    }
  });

  test('DESTROY without autoDeleteObjects warns; with it the bucket is emptied', () => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, { removalPolicy: RemovalPolicy.DESTROY });
    Annotations.fromStack(stack).hasWarning(
      '/Test/Database/MediaBucket',
      Match.stringLikeRegexp('CloudFormation cannot delete a bucket that still holds media'),
    );
    const t = Template.fromStack(stack);
    t.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete' });
    t.hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: false });
    const other = newStack('Other');
    newDatabase(other.stack, other.vpc, {
      removalPolicy: RemovalPolicy.DESTROY,
      media: { autoDeleteObjects: true },
    });
    Template.fromStack(other.stack).resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });

  test('importing existing application secrets creates none of them', () => {
    const { stack, vpc } = newStack();
    const imported = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name, name);
    const db = newDatabase(stack, vpc, {
      importedSecrets: {
        secretKeyBase: imported('skb'),
        vapidKeys: imported('vapid'),
        activeRecordEncryption: imported('ar'),
      },
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('Custom::MastodonVapidKeys', 0);
    expect(
      db.applicationSecrets.variables.filter((v) => v.jsonField?.startsWith('ACTIVE_RECORD')).length,
    ).toBe(3);
    // Only the database credentials remain generated.
    t.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  test('4.3 generates OTP_SECRET and warns that the line is end of life', () => {
    const { stack, vpc } = newStack();
    const db = newDatabase(stack, vpc, { mastodonVersion: MastodonVersion.V4_3 });
    expect(db.applicationSecrets.variables.map((v) => v.variable)).toContain('OTP_SECRET');
    Annotations.fromStack(stack).hasWarning(
      '/Test/Database',
      Match.stringLikeRegexp('no longer publishes security fixes for 4.3'),
    );
  });
});

describe('MastodonDatabase refuses', () => {
  const CROSSSLOT =
    "Sidekiq does not support Redis Cluster: its multi-key commands fail with 'CROSSSLOT Keys in request don't hash to the same slot' once keys spread over shards";
  test.each([
    [
      'case 1: cluster mode',
      { redis: { clusterMode: true } },
      `Test/Database/Redis: redis.clusterMode is true: ${CROSSSLOT}. Remove clusterMode: the library creates a non-clustered replication group, which scales by node type and replicas`,
    ],
    [
      'case 1: more than one node group',
      { redis: { nodeGroups: 3 } },
      `Test/Database/Redis: redis.nodeGroups is 3: ${CROSSSLOT}. Use nodeGroups: 1 (the default) and scale Redis with a larger nodeType`,
    ],
    [
      'case 1: a cluster-enabled parameter group',
      { redis: { parameterGroupName: 'default.redis7.cluster.on' } },
      `Test/Database/Redis: redis.parameterGroupName is 'default.redis7.cluster.on': this parameter group enables cluster mode. ${CROSSSLOT}. Leave parameterGroupName unset so the library creates a non-clustered group with maxmemory-policy noeviction`,
    ],
    [
      'case 2: an eviction policy for the Sidekiq Redis',
      { redis: { maxmemoryPolicy: 'volatile-lru' } },
      "Test/Database/Redis: redis.maxmemoryPolicy is 'volatile-lru': Sidekiq keeps its queues in this Redis, and an eviction policy silently drops queued jobs when memory runs out. Keep 'noeviction' and size the node for the queues; an evicting cache belongs in a separate Redis (CACHE_REDIS_URL)",
    ],
    [
      'case 3: more replicas than ElastiCache allows',
      { redis: { replicas: 6 } },
      'Test/Database/Redis: redis.replicas is 6: ElastiCache allows 0 to 5 read replicas per node group. Choose a whole number from 0 to 5',
    ],
    [
      'case 8: an auth token without in-transit encryption',
      { redis: { authToken: true, transitEncryption: false } },
      'Test/Database/Redis: redis.authToken is true: ElastiCache accepts an AUTH token only with in-transit encryption, and a token sent in clear text protects nothing. Set transitEncryption: true (the default) or drop authToken',
    ],
    [
      'case 11: Redis below the version minimum',
      { redis: { engineVersion: '6.2' } },
      "Test/Database/Redis: redis.engineVersion is '6.2': Mastodon 4.5.11 needs Redis 7.0 or newer. Use engineVersion '7.1' (the default) or at least '7.0'",
    ],
    [
      'an unknown Redis version',
      { redis: { engineVersion: '8.0' } },
      "Test/Database/Redis: redis.engineVersion is '8.0': ElastiCache's Redis OSS versions are 6.2, 7.0 and 7.1 (the library creates the matching parameter group). Use '7.1' (the default), '7.0' or '6.2'",
    ],
    [
      'snapshots kept beyond 35 days',
      { redis: { snapshotRetentionDays: 100 } },
      'Test/Database/Redis: redis.snapshotRetentionDays is 100: ElastiCache keeps automatic snapshots for 0 to 35 days. Choose a whole number from 1 to 35; 7 is the default',
    ],
    [
      'replicas as a token',
      { redis: { replicas: Token.asNumber({ Ref: 'Replicas' }) } },
      "Test/Database/Redis: redis.replicas is 'a token': failover, Multi-AZ and the node count are derived from it at synth time. Pass a literal number",
    ],
    [
      'max capacity as a token',
      { aurora: { serverlessV2MaxCapacity: Token.asNumber({ Ref: 'Acu' }) } },
      "Test/Database: aurora.serverlessV2MaxCapacity is 'a token': the connection budget and capacity checks need the value at synth time. Pass a literal number",
    ],
    [
      'backups in hours',
      { aurora: { backupRetention: Duration.hours(12) } },
      "Test/Database: aurora.backupRetention is 'Duration.hours(12)': Aurora keeps automated backups for whole days. Use Duration.days(n) with n from 1 to 35",
    ],
    [
      'an alias host with a scheme',
      { media: { aliasHost: 'https://files.example.com/' } },
      "Test/Database/MediaBucket: media.aliasHost is 'https://files.example.com/': Mastodon builds media URLs as https://<S3_ALIAS_HOST>/<key>, so a scheme, path or trailing slash breaks every media URL. Give the bare host name, e.g. 'files.example.com'",
    ],
    [
      'case 10: PostgreSQL below the version minimum',
      { aurora: { engineVersion: rds.AuroraPostgresEngineVersion.VER_13_9 } },
      "Test/Database: aurora.engineVersion is '13.9': Mastodon 4.5.11 needs PostgreSQL 14 or newer. Use rds.AuroraPostgresEngineVersion.VER_16_6 (the default) or another supported version",
    ],
    [
      'case 10: PostgreSQL 14.3 with Mastodon 4.3',
      {
        mastodonVersion: MastodonVersion.V4_3,
        aurora: { engineVersion: rds.AuroraPostgresEngineVersion.VER_14_3 },
      },
      "Test/Database: aurora.engineVersion is '14.3': Mastodon 4.3.1 does not support PostgreSQL 14.0 to 14.3. Use rds.AuroraPostgresEngineVersion.VER_16_6 (the default) or another supported version",
    ],
    [
      'case 10: min capacity above max',
      { aurora: { serverlessV2MinCapacity: 8, serverlessV2MaxCapacity: 4 } },
      'Test/Database: aurora.serverlessV2MinCapacity is 8: it is above serverlessV2MaxCapacity (4). Aurora Serverless v2 capacity goes from 0 to 256 ACU in steps of 0.5, and the maximum must be at least 1 and not below the minimum. Lower the minimum or raise the maximum',
    ],
    [
      'case 10: max outside the allowed range',
      { aurora: { serverlessV2MaxCapacity: 512 } },
      'Test/Database: aurora.serverlessV2MaxCapacity is 512: Aurora Serverless v2 capacity goes from 0 to 256 ACU in steps of 0.5, and the maximum must be at least 1 and not below the minimum. Choose a maximum from 1 to 256 such as 5 (the default)',
    ],
    [
      'case 10: max below 1',
      { aurora: { serverlessV2MinCapacity: 0, serverlessV2MaxCapacity: 0.5 } },
      'Test/Database: aurora.serverlessV2MaxCapacity is 0.5: Aurora Serverless v2 capacity goes from 0 to 256 ACU in steps of 0.5, and the maximum must be at least 1 and not below the minimum. Choose a maximum from 1 to 256 such as 5 (the default)',
    ],
    [
      'a fractional ACU step',
      { aurora: { serverlessV2MinCapacity: 0.7 } },
      'Test/Database: aurora.serverlessV2MinCapacity is 0.7: Aurora Serverless v2 capacity goes from 0 to 256 ACU in steps of 0.5, and the maximum must be at least 1 and not below the minimum. Choose a minimum such as 0.5 (the default)',
    ],
    [
      'too many readers',
      { aurora: { readers: 16 } },
      'Test/Database: aurora.readers is 16: an Aurora cluster has 0 to 15 readers. Choose a whole number from 0 to 15',
    ],
    [
      'backups beyond 35 days',
      { aurora: { backupRetention: Duration.days(60) } },
      "Test/Database: aurora.backupRetention is '60 days': Aurora keeps automated backups for 1 to 35 days. Choose a retention from Duration.days(1) to Duration.days(35)",
    ],
    [
      'case 7: public-read ACLs on a bucket with ACLs disabled',
      { media: { s3Permission: 'public-read' } },
      "Test/Database/MediaBucket: media.s3Permission is 'public-read': publicAccess BUCKET_POLICY disables ACLs on the bucket (object ownership enforced), and S3 rejects every upload that carries an ACL with AccessControlListNotSupported. Leave s3Permission unset (Mastodon then sends no ACL), or choose publicAccess: MediaPublicAccess.OBJECT_ACL to keep Mastodon's public-read ACLs",
    ],
    [
      'case 7: private ACLs with OBJECT_ACL',
      { media: { publicAccess: MediaPublicAccess.OBJECT_ACL, s3Permission: 'private' } },
      "Test/Database/MediaBucket: media.s3Permission is 'private': publicAccess OBJECT_ACL serves media through public-read object ACLs, so objects uploaded without that ACL would not be readable by anyone. Leave s3Permission unset ('public-read'), or choose publicAccess: MediaPublicAccess.BUCKET_POLICY",
    ],
    [
      'case 14: emptying a retained bucket',
      { media: { autoDeleteObjects: true } },
      "Test/Database/MediaBucket: media.autoDeleteObjects is true: the bucket's removal policy is retain, and emptying a bucket that is kept would delete every uploaded file. Set removalPolicy: RemovalPolicy.DESTROY as well, or drop autoDeleteObjects",
    ],
    [
      'a domain with a scheme',
      { domain: 'https://social.example.com' },
      "Test/Database: domain is 'https://social.example.com': Mastodon needs a lower-case DNS name without scheme, port or path, and it becomes part of every handle on the server. Give a host name such as 'social.example.com'",
    ],
  ])('%s', (_name, props, message) => {
    const { stack, vpc } = newStack();
    expect(() => newDatabase(stack, vpc, props as any)).toThrow(message);
  });

  test('case 3: replicas 0 turns failover and Multi-AZ off rather than producing an invalid group', () => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, { redis: { replicas: 0 } });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumCacheClusters: 1,
      AutomaticFailoverEnabled: false,
      MultiAZEnabled: false,
    });
  });
});

describe('MastodonDatabase props reach the template', () => {
  test('aurora and redis settings, versioned media, data subnets', () => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, {
      aurora: {
        deletionProtection: false,
        engineVersion: rds.AuroraPostgresEngineVersion.VER_17_5,
        serverlessV2MinCapacity: 1,
      },
      redis: {
        nodeType: 'cache.r7g.large',
        engineVersion: '7.0',
        snapshotRetentionDays: 14,
        transitEncryption: false,
      },
      media: { versioned: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::RDS::DBCluster', {
      DatabaseName: 'mastodon_production',
      DeletionProtection: false,
      EngineVersion: '17.5',
      ServerlessV2ScalingConfiguration: { MinCapacity: 1, MaxCapacity: 5 },
    });
    t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: 'cache.r7g.large',
      EngineVersion: '7.0',
      SnapshotRetentionLimit: 14,
      TransitEncryptionEnabled: false,
      TransitEncryptionMode: Match.absent(),
    });
    t.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    const subnetGroup = Object.values(t.findResources('AWS::RDS::DBSubnetGroup'))[0].Properties.SubnetIds;
    expect(JSON.stringify(subnetGroup)).toMatch(/HostsSubnet/);
  });

  test('an existing non-clustered parameter group replaces the created one', () => {
    const { stack, vpc } = newStack();
    newDatabase(stack, vpc, { redis: { parameterGroupName: 'my-noeviction-redis7' } });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ElastiCache::ParameterGroup', 0);
    t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheParameterGroupName: 'my-noeviction-redis7',
    });
  });

  test('an imported OTP secret is used even after 4.3', () => {
    const { stack, vpc } = newStack();
    const db = newDatabase(stack, vpc, {
      importedSecrets: { otpSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Otp', 'otp') },
    });
    expect(db.applicationSecrets.otpSecret).toBeDefined();
  });
});
