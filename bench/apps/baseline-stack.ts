/**
 * The baseline: the Mastodon deployment of the seed architecture written directly with aws-cdk-lib,
 * the code a user would write instead of using `MastodonSocial`. It must create the same resource
 * types and counts as the default `MastodonSocial` template, so that the benchmark's ratio
 * isolates the abstraction's own overhead (the harness prints both counts side by side).
 *
 * Profiles (see ./options.ts) also give the `small` and `seed` configurations for the cost
 * estimate when `MastodonSocial` is not available.
 */
import { Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
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
  // A hobby admin: hosts in public subnets with their own address instead of a NAT gateway, one
  // web host, a smaller Aurora ceiling and a single Redis node.
  small: {
    natGateways: 0,
    webMin: 1,
    webMax: 2,
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

/** Sidekiq queues with weights (Mastodon 4.4+); the scheduler queue runs only on the scheduler host. */
const WEB_QUEUES = '-q default,8 -q push,6 -q ingress,4 -q mailers,2 -q pull -q fasp';
const SCHEDULER_QUEUES = `${WEB_QUEUES} -q scheduler`;

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
    serverlessV2MaxCapacity: s.auroraMaxAcu,
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
  const redisAuth = new secretsmanager.Secret(scope, 'RedisAuth', {
    description: 'Mastodon Redis AUTH token',
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
  });
  const multiNode = s.redisNodes > 1;
  const redis = new elasticache.CfnReplicationGroup(scope, 'Redis', {
    replicationGroupDescription: 'Mastodon Redis',
    engine: 'redis',
    engineVersion: '7.1',
    cacheNodeType: s.redisNodeType,
    numCacheClusters: s.redisNodes,
    automaticFailoverEnabled: multiNode,
    multiAzEnabled: multiNode,
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    authToken: SecretValue.secretsManager(redisAuth.secretArn).unsafeUnwrap(),
    cacheSubnetGroupName: redisSubnets.ref,
    cacheParameterGroupName: redisParameters.ref,
    securityGroupIds: [redisSg.securityGroupId],
    snapshotRetentionLimit: 1,
  });

  // Media
  const media = new s3.Bucket(scope, 'Media', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
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

  // Application secrets (SECRET_KEY_BASE, ActiveRecord encryption keys, VAPID pair are derived
  // from or stored next to this value on first boot)
  const appSecrets = new secretsmanager.Secret(scope, 'AppSecrets', {
    description: 'Mastodon application secrets',
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ LOCAL_DOMAIN: props.domain }),
      generateStringKey: 'SECRET_KEY_BASE',
      passwordLength: 128,
      excludePunctuation: true,
    },
  });

  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  // Hosts
  const env = [
    'set -euo pipefail',
    `export AWS_REGION=${vpc.stack.region}`,
    `APP_SECRET=$(aws secretsmanager get-secret-value --secret-id ${appSecrets.secretArn} --query SecretString --output text)`,
    `DB_SECRET=$(aws secretsmanager get-secret-value --secret-id ${database.secret!.secretArn} --query SecretString --output text)`,
    `REDIS_PASSWORD=$(aws secretsmanager get-secret-value --secret-id ${redisAuth.secretArn} --query SecretString --output text)`,
    'install -d -o mastodon -g mastodon /home/mastodon/live',
    'cat > /home/mastodon/live/.env.production <<ENV',
    'RAILS_ENV=production',
    'NODE_ENV=production',
    `LOCAL_DOMAIN=${props.domain}`,
    'SECRET_KEY_BASE=$(echo "$APP_SECRET" | jq -r .SECRET_KEY_BASE)',
    `DB_HOST=${database.clusterEndpoint.hostname}`,
    `DB_PORT=${database.clusterEndpoint.port}`,
    'DB_NAME=mastodon_production',
    'DB_USER=$(echo "$DB_SECRET" | jq -r .username)',
    'DB_PASS=$(echo "$DB_SECRET" | jq -r .password)',
    'DB_SSLMODE=require',
    'DB_POOL=25',
    `REDIS_URL=rediss://:$REDIS_PASSWORD@${redis.attrPrimaryEndPointAddress}:${redis.attrPrimaryEndPointPort}`,
    'REDIS_DRIVER=ruby',
    'S3_ENABLED=true',
    `S3_BUCKET=${media.bucketName}`,
    `S3_REGION=${vpc.stack.region}`,
    'S3_PERMISSION=private',
    'ENV',
    'chown mastodon:mastodon /home/mastodon/live/.env.production',
    'chmod 600 /home/mastodon/live/.env.production',
  ];
  const cloudWatchAgent = [
    'dnf install -y amazon-cloudwatch-agent',
    'cat > /opt/aws/amazon-cloudwatch-agent/etc/config.json <<CW',
    `{"logs":{"logs_collected":{"files":{"collect_list":[{"file_path":"/var/log/mastodon/*.log","log_group_name":"${logGroup.logGroupName}","log_stream_name":"{instance_id}"}]}}}}`,
    'CW',
    '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -c file:/opt/aws/amazon-cloudwatch-agent/etc/config.json -s',
  ];
  const sidekiqUnit = (queues: string) => [
    'cat > /etc/systemd/system/mastodon-sidekiq.service <<UNIT',
    '[Unit]',
    'Description=mastodon-sidekiq',
    'After=network.target',
    '[Service]',
    'Type=simple',
    'User=mastodon',
    'WorkingDirectory=/home/mastodon/live',
    'Environment="RAILS_ENV=production" "DB_POOL=25" "MALLOC_ARENA_MAX=2"',
    `ExecStart=/home/mastodon/.rbenv/shims/bundle exec sidekiq -c 25 ${queues}`,
    'Restart=always',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
  ];

  const schedulerUserData = ec2.UserData.forLinux();
  schedulerUserData.addCommands(
    ...env,
    ...cloudWatchAgent,
    ...sidekiqUnit(SCHEDULER_QUEUES),
    'systemctl daemon-reload',
    'systemctl enable --now mastodon-sidekiq',
  );
  const webUserData = ec2.UserData.forLinux();
  webUserData.addCommands(
    ...env,
    ...cloudWatchAgent,
    ...sidekiqUnit(WEB_QUEUES),
    'openssl req -x509 -nodes -newkey rsa:2048 -days 3650 -subj "/CN=mastodon" -keyout /etc/nginx/self.key -out /etc/nginx/self.crt',
    'systemctl daemon-reload',
    'systemctl enable --now mastodon-web mastodon-streaming mastodon-sidekiq nginx',
  );

  const machineImage = ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 });
  const hostRole = (id: string) => {
    const role = new iam.Role(scope, id, {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    media.grantReadWrite(role);
    appSecrets.grantRead(role);
    database.secret!.grantRead(role);
    redisAuth.grantRead(role);
    logGroup.grantWrite(role);
    return role;
  };
  const launchTemplate = (id: string, role: iam.IRole, sg: ec2.ISecurityGroup, userData: ec2.UserData) =>
    new ec2.LaunchTemplate(scope, id, {
      instanceType: new ec2.InstanceType('t4g.small'),
      machineImage,
      requireImdsv2: true,
      role,
      securityGroup: sg,
      userData,
      associatePublicIpAddress: publicHosts ? true : undefined,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(20, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true }),
        },
      ],
    });

  const schedulerTemplate = launchTemplate(
    'SchedulerTemplate',
    hostRole('SchedulerRole'),
    schedulerSg,
    schedulerUserData,
  );
  new autoscaling.AutoScalingGroup(scope, 'Scheduler', {
    vpc,
    vpcSubnets: hostSubnets,
    launchTemplate: schedulerTemplate,
    minCapacity: 1,
    maxCapacity: 1,
    desiredCapacity: 1,
  });

  const webTemplate = launchTemplate('WebTemplate', hostRole('WebRole'), hostSg, webUserData);
  const web = new autoscaling.AutoScalingGroup(scope, 'Web', {
    vpc,
    vpcSubnets: hostSubnets,
    launchTemplate: webTemplate,
    minCapacity: s.webMin,
    maxCapacity: webMax,
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
    healthCheck: { path: '/robots.txt', protocol: elbv2.Protocol.HTTPS, healthyHttpCodes: '200' },
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
