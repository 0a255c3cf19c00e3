/**
 * The baseline: the Mastodon deployment of the seed architecture written directly with aws-cdk-lib,
 * the code a user would write instead of using `MastodonSocial`. It must create the same resource
 * types and counts as the default `MastodonSocial` template, so that the benchmark's ratio
 * isolates the abstraction's own overhead (the harness prints both counts side by side).
 *
 * Profiles (see ./options.ts) also give the `small` and `seed` configurations for the cost
 * estimate when `MastodonSocial` is not available.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Aws, CustomResource, Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { BenchOptions } from './options';

export interface BaselineProps extends BenchOptions {
  readonly domain: string;
  readonly hostedZone: route53.IHostedZone;
}

interface ProfileSettings {
  readonly natGateways: number;
  readonly webMin: number;
  readonly webMax: number;
  readonly auroraMinAcu: number;
  readonly auroraMaxAcu: number;
  readonly redisNodeType: string;
  readonly redisNodes: number;
}

const SETTINGS: Record<BaselineProps['profile'], ProfileSettings> = {
  // The library's documented default.
  default: {
    natGateways: 1,
    webMin: 2,
    webMax: 4,
    auroraMinAcu: 0.5,
    auroraMaxAcu: 5,
    redisNodeType: 'cache.t4g.small',
    redisNodes: 3,
  },
  // A hobby admin: hosts in public subnets with their own address instead of a NAT gateway, a
  // pair of web hosts scaling to three, a smaller Aurora ceiling and a single Redis node.
  small: {
    natGateways: 0,
    webMin: 2,
    webMax: 3,
    auroraMinAcu: 0.5,
    auroraMaxAcu: 2,
    redisNodeType: 'cache.t4g.micro',
    redisNodes: 1,
  },
  // The seed write-up: public IPs on every host, no NAT gateway, otherwise as the default.
  seed: {
    natGateways: 0,
    webMin: 2,
    webMax: 4,
    auroraMinAcu: 0.5,
    auroraMaxAcu: 5,
    redisNodeType: 'cache.t4g.small',
    redisNodes: 3,
  },
};

/** The Mastodon release the host files were rendered for (see ./host-files/manifest.json). */
const MASTODON_VERSION = '4.5.11';
const HOST_FILES = path.join(__dirname, 'host-files');

export function buildBaselineMastodon(scope: Construct, props: BaselineProps): void {
  const s = SETTINGS[props.profile];
  const webMax = props.webMaxCapacity ?? s.webMax;
  const readers = props.auroraReaders ?? 0;
  const publicHosts = s.natGateways === 0;

  // Network
  const subnetConfiguration: ec2.SubnetConfiguration[] = [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
    { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
  ];
  if (!publicHosts) {
    subnetConfiguration.splice(1, 0, {
      name: 'App',
      subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
      cidrMask: 22,
    });
  }
  const vpc = new ec2.Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: s.natGateways, subnetConfiguration });
  vpc.addFlowLog('RejectedTraffic', { trafficType: ec2.FlowLogTrafficType.REJECT });
  const hostSubnets: ec2.SubnetSelection = {
    subnetType: publicHosts ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS,
  };
  const dataSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  const hostSg = new ec2.SecurityGroup(scope, 'HostSecurityGroup', {
    vpc,
    description: 'Mastodon hosts',
    allowAllOutbound: true,
  });
  const schedulerSg = new ec2.SecurityGroup(scope, 'SchedulerSecurityGroup', {
    vpc,
    description: 'Mastodon Sidekiq scheduler host',
    allowAllOutbound: true,
  });

  // Database: Aurora PostgreSQL, Serverless v2
  const database = new rds.DatabaseCluster(scope, 'Database', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
    credentials: rds.Credentials.fromGeneratedSecret('mastodon'),
    defaultDatabaseName: 'mastodon_production',
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    readers: Array.from({ length: readers }, (_, i) =>
      rds.ClusterInstance.serverlessV2(`Reader${i + 1}`, { scaleWithWriter: true }),
    ),
    serverlessV2MinCapacity: s.auroraMinAcu,
    serverlessV2MaxCapacity: props.auroraMaxCapacity ?? s.auroraMaxAcu,
    vpc,
    vpcSubnets: dataSubnets,
    storageEncrypted: true,
    backup: { retention: Duration.days(7) },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.SNAPSHOT,
  });
  database.connections.allowDefaultPortFrom(hostSg, 'Mastodon web hosts');
  database.connections.allowDefaultPortFrom(schedulerSg, 'Mastodon scheduler host');

  // Redis: non-clustered replication group (Sidekiq cannot use cluster mode)
  const redisSg = new ec2.SecurityGroup(scope, 'RedisSecurityGroup', {
    vpc,
    description: 'Mastodon Redis',
    allowAllOutbound: false,
  });
  redisSg.addIngressRule(hostSg, ec2.Port.tcp(6379), 'Mastodon web hosts');
  redisSg.addIngressRule(schedulerSg, ec2.Port.tcp(6379), 'Mastodon scheduler host');
  const redisSubnets = new elasticache.CfnSubnetGroup(scope, 'RedisSubnets', {
    description: 'Mastodon Redis',
    subnetIds: vpc.selectSubnets(dataSubnets).subnetIds,
  });
  const redisParameters = new elasticache.CfnParameterGroup(scope, 'RedisParameters', {
    cacheParameterGroupFamily: 'redis7',
    description: 'Mastodon Redis: Sidekiq needs noeviction',
    properties: { 'maxmemory-policy': 'noeviction' },
  });
  const multiNode = s.redisNodes > 1;
  const redis = new elasticache.CfnReplicationGroup(scope, 'Redis', {
    replicationGroupDescription: 'Mastodon Redis (non-clustered)',
    engine: 'redis',
    engineVersion: '7.1',
    clusterMode: 'disabled',
    cacheNodeType: s.redisNodeType,
    numCacheClusters: s.redisNodes,
    automaticFailoverEnabled: multiNode,
    multiAzEnabled: multiNode,
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    port: 6379,
    cacheSubnetGroupName: redisSubnets.ref,
    cacheParameterGroupName: redisParameters.ref,
    securityGroupIds: [redisSg.securityGroupId],
    snapshotRetentionLimit: 7,
  });

  // Media
  const media = new s3.Bucket(scope, 'Media', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS,
    cors: [
      {
        allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD],
        allowedOrigins: [`https://${props.domain}`],
        allowedHeaders: ['*'],
        maxAge: 3000,
      },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });

  // Application secrets: generated once, never changed
  const generated = (id: string, description: string, length: number) =>
    new secretsmanager.Secret(scope, id, {
      description,
      generateSecretString: { passwordLength: length, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  const secretKeyBase = generated('SecretKeyBase', 'Mastodon SECRET_KEY_BASE', 128);
  const arPrimary = generated('ArPrimaryKey', 'Mastodon ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY', 32);
  const arDeterministic = generated(
    'ArDeterministicKey',
    'Mastodon ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY',
    32,
  );
  const arSalt = generated(
    'ArKeyDerivationSalt',
    'Mastodon ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT',
    32,
  );
  // VAPID needs an EC P-256 key pair, which Secrets Manager cannot generate: a custom resource
  // writes it into the secret once.
  const vapidKeys = new secretsmanager.Secret(scope, 'VapidKeys', {
    description: 'Mastodon VAPID key pair (EC P-256), written once by a custom resource',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const vapidHandler = new lambda.Function(scope, 'VapidKeysHandler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, 'vapid-keys-handler')),
    description: 'Generates the Mastodon VAPID key pair once',
    timeout: Duration.seconds(30),
  });
  vapidKeys.grantWrite(vapidHandler);
  const vapidProvider = new cr.Provider(scope, 'VapidKeysProvider', { onEventHandler: vapidHandler });
  new CustomResource(scope, 'VapidKeysGenerator', {
    serviceToken: vapidProvider.serviceToken,
    resourceType: 'Custom::MastodonVapidKeys',
    properties: { SecretId: vapidKeys.secretArn },
  });
  const dbSecret = database.secret!;
  const secrets: Array<{ name: string; secret: secretsmanager.ISecret; jsonField?: string }> = [
    { name: 'DB_USER', secret: dbSecret, jsonField: 'username' },
    { name: 'DB_PASS', secret: dbSecret, jsonField: 'password' },
    { name: 'SECRET_KEY_BASE', secret: secretKeyBase },
    { name: 'VAPID_PRIVATE_KEY', secret: vapidKeys, jsonField: 'VAPID_PRIVATE_KEY' },
    { name: 'VAPID_PUBLIC_KEY', secret: vapidKeys, jsonField: 'VAPID_PUBLIC_KEY' },
    { name: 'ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY', secret: arPrimary },
    { name: 'ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY', secret: arDeterministic },
    { name: 'ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT', secret: arSalt },
  ];

  // Hosts: CloudFormation init installs Docker, writes the host files (scripts, systemd units,
  // nginx site: kept as plain files next to this app, see ./host-files) and the deployment
  // settings, prepares the host and starts the services; the groups wait for cfn-signal.
  const environment = {
    DB_HOST: database.clusterEndpoint.hostname,
    DB_NAME: 'mastodon_production',
    DB_PORT: Token.asString(database.clusterEndpoint.port),
    DB_SSLMODE: 'require',
    LOCAL_DOMAIN: props.domain,
    REDIS_DRIVER: 'ruby',
    REDIS_URL: `rediss://${redis.attrPrimaryEndPointAddress}:6379/0`,
    S3_BUCKET: media.bucketName,
    S3_ENABLED: 'true',
    S3_HOSTNAME: `s3.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    S3_PERMISSION: '',
    S3_PROTOCOL: 'https',
    S3_REGION: Aws.REGION,
  };
  const deploymentId = scope.node.addr;
  const hostFiles: Record<string, Array<{ path: string; mode: string }>> = JSON.parse(
    fs.readFileSync(path.join(HOST_FILES, 'manifest.json'), 'utf8'),
  ).roles;
  const command = (key: string, cmd: string) => ec2.InitCommand.shellCommand(cmd, { key });
  const service = (name: string) =>
    ec2.InitService.enable(name, { serviceManager: ec2.ServiceManager.SYSTEMD });
  const hostInit = (role: 'scheduler' | 'web', logGroup: logs.ILogGroup) => {
    const web = role === 'web';
    const files = hostFiles[role].map((f) =>
      ec2.InitFile.fromString(f.path, fs.readFileSync(path.join(HOST_FILES, role, f.path), 'utf8'), {
        mode: f.mode,
        owner: 'root',
        group: 'root',
      }),
    );
    const deployment = ec2.InitFile.fromObject(
      '/etc/mastodon/deployment.json',
      {
        deploymentId,
        role,
        region: Aws.REGION,
        mastodonVersion: MASTODON_VERSION,
        imageTag: `v${MASTODON_VERSION}`,
        environment,
        secrets: secrets.map((x) => ({
          name: x.name,
          secretArn: x.secret.secretArn,
          jsonField: x.jsonField,
        })),
        parameters: [],
        logGroupName: logGroup.logGroupName,
        watchdog: { enabled: true, failureThreshold: 4, intervalSeconds: 30, graceSeconds: 600 },
      },
      { mode: '000600', owner: 'root', group: 'root' },
    );
    const image = `ghcr.io/mastodon/mastodon:v${MASTODON_VERSION}`;
    const streamingImage = `ghcr.io/mastodon/mastodon-streaming:v${MASTODON_VERSION}`;
    return ec2.CloudFormationInit.fromConfigSets({
      configSets: {
        mastodon: ['mastodonInstall', 'mastodonFiles', 'mastodonPrepare', 'mastodonStart', 'mastodonWatch'],
      },
      configs: {
        mastodonInstall: new ec2.InitConfig([
          command('10-packages', web ? 'dnf install -y docker jq nginx openssl' : 'dnf install -y docker jq'),
          command('20-docker', 'systemctl enable --now docker'),
        ]),
        mastodonFiles: new ec2.InitConfig([
          ...files,
          deployment,
          command('10-daemon-reload', 'systemctl daemon-reload'),
        ]),
        mastodonPrepare: new ec2.InitConfig(
          web
            ? [
                command('10-host-facts', '/usr/local/sbin/mastodon-host-facts'),
                command('20-assemble-env', '/usr/local/sbin/mastodon-assemble-env'),
                command('30-self-signed-cert', '/usr/local/sbin/mastodon-self-signed-cert'),
                command('35-nginx-test', 'nginx -t'),
                command(
                  '40-pull-images',
                  `docker pull --quiet ${image} && docker pull --quiet ${streamingImage}`,
                ),
              ]
            : [
                command('10-host-facts', '/usr/local/sbin/mastodon-host-facts'),
                command('20-assemble-env', '/usr/local/sbin/mastodon-assemble-env'),
                command('40-pull-images', `docker pull --quiet ${image}`),
                command('50-migrate-pre', '/usr/local/sbin/mastodon-migrate pre'),
              ],
        ),
        mastodonStart: new ec2.InitConfig(
          web
            ? [
                service('nginx'),
                service('mastodon-web'),
                service('mastodon-streaming'),
                service('mastodon-sidekiq'),
              ]
            : [service('mastodon-sidekiq'), service('mastodon-post-migrate')],
        ),
        mastodonWatch: new ec2.InitConfig([
          command('10-watchdog-timer', 'systemctl enable --now mastodon-watchdog.timer'),
        ]),
      },
    });
  };
  const hostTags = (role: string) => ({
    'cdk-mastodon:deployment': deploymentId,
    'cdk-mastodon:role': role,
    'cdk-mastodon:version': MASTODON_VERSION,
  });

  const machineImage = ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 });
  const hostGroup = (
    id: string,
    description: string,
    sg: ec2.ISecurityGroup,
    capacity: { min: number; max: number; desired?: number },
    role: 'scheduler' | 'web',
    policies: {
      signals: autoscaling.Signals;
      updatePolicy: autoscaling.UpdatePolicy;
      healthChecks?: autoscaling.HealthChecks;
    },
  ) => {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const hostRole = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    media.grantReadWrite(hostRole);
    for (const x of new Set(secrets.map((y) => y.secret))) x.grantRead(hostRole);
    logGroup.grantWrite(hostRole);
    const template = new ec2.LaunchTemplate(scope, `${id}Template`, {
      instanceType: new ec2.InstanceType('t4g.small'),
      machineImage,
      requireImdsv2: true,
      httpPutResponseHopLimit: 2,
      role: hostRole,
      securityGroup: sg,
      userData: ec2.UserData.forLinux(),
      associatePublicIpAddress: publicHosts ? true : undefined,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(30, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
    });
    const group = new autoscaling.AutoScalingGroup(scope, id, {
      vpc,
      vpcSubnets: hostSubnets,
      launchTemplate: template,
      minCapacity: capacity.min,
      maxCapacity: capacity.max,
      desiredCapacity: capacity.desired,
      init: hostInit(role, logGroup),
      initOptions: { configSets: ['mastodon'], printLog: true },
      groupMetrics: [autoscaling.GroupMetrics.all()],
      ...policies,
    });
    const tags = hostTags(role);
    for (const [key, value] of Object.entries(tags)) {
      Tags.of(group).add(key, value, { applyToLaunchedInstances: true });
    }
    // The watchdog marks its own instance unhealthy; scoped by the group's tags.
    hostRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['autoscaling:SetInstanceHealth'],
        resources: [
          Stack.of(scope).formatArn({
            service: 'autoscaling',
            resource: 'autoScalingGroup',
            resourceName: '*:autoScalingGroupName/*',
          }),
        ],
        conditions: {
          StringEquals: {
            'autoscaling:ResourceTag/cdk-mastodon:deployment': tags['cdk-mastodon:deployment'],
            'autoscaling:ResourceTag/cdk-mastodon:role': tags['cdk-mastodon:role'],
          },
        },
      }),
    );
    return group;
  };

  hostGroup(
    'Scheduler',
    'Mastodon scheduler host',
    schedulerSg,
    { min: 1, max: 1, desired: 1 },
    'scheduler',
    {
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.minutes(45) }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ maxBatchSize: 1, minInstancesInService: 0 }),
    },
  );
  const web = hostGroup('Web', 'Mastodon web host', hostSg, { min: s.webMin, max: webMax }, 'web', {
    signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.minutes(20) }),
    updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
      maxBatchSize: 1,
      minInstancesInService: s.webMin,
    }),
    healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
      additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
      gracePeriod: Duration.minutes(10),
    }),
  });
  web.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });

  // Edge
  const certificate = new acm.Certificate(scope, 'Certificate', {
    domainName: props.domain,
    validation: acm.CertificateValidation.fromDns(props.hostedZone),
  });
  const alb = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', { vpc, internetFacing: true });
  alb.addRedirect({ sourcePort: 80, targetPort: 443 });
  const targetGroup = new elbv2.ApplicationTargetGroup(scope, 'WebTargets', {
    vpc,
    port: 443,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    targets: [web],
    healthCheck: {
      path: '/robots.txt',
      protocol: elbv2.Protocol.HTTPS,
      healthyHttpCodes: '200',
      interval: Duration.seconds(15),
      timeout: Duration.seconds(5),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 3,
    },
    deregistrationDelay: Duration.seconds(30),
  });
  alb.addListener('Https', {
    port: 443,
    certificates: [certificate],
    sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    defaultTargetGroups: [targetGroup],
  });
  new route53.ARecord(scope, 'Alias', {
    zone: props.hostedZone,
    recordName: props.domain,
    target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(alb)),
  });
}
