import { App, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  assertUserDataWithinLimit,
  buildHostBootstrap,
  HostBootstrapProps,
  HostRole,
} from '../../src/host/host-bootstrap';
import { InstallMode } from '../../src/host/install-mode';
import { MastodonVersion } from '../../src/mastodon/mastodon-version';

const SENTINEL = 'THIS-IS-THE-SECRET-VALUE-0f9e8d';

function setup(
  role: HostRole,
  overrides: Partial<HostBootstrapProps> = {},
  installMode = InstallMode.containers(),
) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const secret = new secretsmanager.Secret(stack, 'KeyBase', {
    generateSecretString: { passwordLength: 64 },
  });
  const db = new secretsmanager.Secret(stack, 'Db', {
    generateSecretString: { secretStringTemplate: '{"username":"mastodon"}', generateStringKey: 'password' },
  });
  // A secret whose value the test knows, so it can prove the value never travels with the host config.
  const known = new secretsmanager.Secret(stack, 'Known', {
    secretStringValue: SecretValue.unsafePlainText(SENTINEL),
  });
  const logGroup = new logs.LogGroup(stack, 'Logs');
  const version = MastodonVersion.V4_5;
  const bootstrap = buildHostBootstrap(stack, {
    role,
    installMode,
    mastodonVersion: version,
    sidekiqQueues: role === HostRole.WEB ? version.sidekiqQueuesWithoutScheduler() : version.sidekiqQueues(),
    sidekiqConcurrency: 10,
    web: role === HostRole.WEB ? { webConcurrency: 2, maxThreads: 5, streamingDbPool: 10 } : undefined,
    environment: { LOCAL_DOMAIN: 'social.example', DB_HOST: logGroup.logGroupArn, S3_ENABLED: 'true' },
    secrets: [
      { name: 'SECRET_KEY_BASE', secret },
      { name: 'DB_PASS', secret: db, jsonField: 'password' },
      { name: 'SMTP_PASSWORD', secret: known },
    ],
    logGroup,
    deploymentId: 'social-example',
    ...overrides,
  });
  const asg = new autoscaling.AutoScalingGroup(stack, 'Hosts', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    instanceType: new ec2.InstanceType('t4g.small'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    requireImdsv2: true,
    init: bootstrap.init,
    initOptions: { configSets: bootstrap.configSets },
    signals: autoscaling.Signals.waitForAll({ timeout: Duration.minutes(30) }),
  });
  bootstrap.grantTo(asg);
  return { stack, asg, bootstrap };
}

describe('buildHostBootstrap', () => {
  test.each([[HostRole.WEB], [HostRole.SCHEDULER]])(
    '%s: the init renders into the template in order',
    (role) => {
      const { stack, bootstrap } = setup(role);
      const template = Template.fromStack(stack);
      const metadata = Object.values(template.findResources('AWS::AutoScaling::LaunchConfiguration')).concat(
        Object.values(template.findResources('AWS::EC2::LaunchTemplate')),
        Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup')),
      );
      const init = metadata.map((r) => r.Metadata?.['AWS::CloudFormation::Init']).find((x) => x);
      expect(init).toBeDefined();
      expect(init.configSets).toEqual({
        mastodon: ['mastodonInstall', 'mastodonFiles', 'mastodonPrepare', 'mastodonStart', 'mastodonWatch'],
      });
      const prepare = Object.keys(init.mastodonPrepare.commands);
      expect(prepare[0]).toBe('10-host-facts');
      expect(prepare[1]).toBe('20-assemble-env');
      expect(prepare.includes('50-migrate-pre')).toBe(role === HostRole.SCHEDULER);
      expect(Object.keys(init.mastodonStart.services.systemd).sort()).toEqual(
        role === HostRole.WEB
          ? ['mastodon-sidekiq', 'mastodon-streaming', 'mastodon-web', 'nginx']
          : ['mastodon-post-migrate', 'mastodon-sidekiq'],
      );
      const files = init.mastodonFiles.files;
      for (const f of bootstrap.artifacts) {
        expect(files[f.path]).toMatchObject({ content: f.content, mode: f.mode, owner: 'root' });
      }
      // deployment.json resolves tokens at deploy time and carries only ARNs.
      const deployment = files['/etc/mastodon/deployment.json'];
      expect(deployment.mode).toBe('000600');
      expect(deployment.content).toMatchObject({
        deploymentId: 'social-example',
        role,
        region: 'eu-west-1',
        mastodonVersion: '4.5.11',
        imageTag: 'v4.5.11',
        environment: {
          LOCAL_DOMAIN: 'social.example',
          DB_HOST: { 'Fn::GetAtt': [expect.stringMatching(/^Logs/), 'Arn'] },
        },
        secrets: [
          { name: 'SECRET_KEY_BASE', secretArn: { Ref: expect.stringMatching(/^KeyBase/) } },
          { name: 'DB_PASS', secretArn: { Ref: expect.stringMatching(/^Db/) }, jsonField: 'password' },
          { name: 'SMTP_PASSWORD', secretArn: { Ref: expect.stringMatching(/^Known/) } },
        ],
        logGroupName: { Ref: expect.stringMatching(/^Logs/) },
        watchdog: { enabled: true, failureThreshold: 4, intervalSeconds: 30, graceSeconds: 600 },
      });
    },
  );

  test('the instance role may read the secrets, write logs and mark its own deployment unhealthy', () => {
    const template = Template.fromStack(setup(HostRole.SCHEDULER).stack);
    const statements = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(statements).toContain('secretsmanager:GetSecretValue');
    expect(statements).toContain('logs:PutLogEvents');
    expect(statements).toContain('autoscaling:ResourceTag/cdk-mastodon:deployment');
    expect(statements).toContain('ec2:DescribeInstances');
  });

  test('no secret value reaches the host configuration, and user data stays small', () => {
    const { stack, asg } = setup(HostRole.WEB);
    const template = Template.fromStack(stack).toJSON();
    const holders = Object.entries(template.Resources)
      .filter(([, r]) => JSON.stringify(r).includes(SENTINEL))
      .map(([id, r]: [string, any]) => `${r.Type} ${id}`);
    // Only the secret itself holds the value (the test created it from a plain value on purpose).
    expect(holders).toEqual([expect.stringMatching(/^AWS::SecretsManager::Secret Known/)]);
    const hosts = JSON.stringify(
      Object.values(template.Resources).filter((r: any) =>
        [
          'AWS::EC2::LaunchTemplate',
          'AWS::AutoScaling::LaunchConfiguration',
          'AWS::AutoScaling::AutoScalingGroup',
        ].includes(r.Type),
      ),
    );
    expect(hosts).toContain('SMTP_PASSWORD');
    expect(hosts).toContain('/opt/aws/bin/cfn-init');
    expect(hosts).not.toContain('{{resolve:');
    expect(() => assertUserDataWithinLimit(stack, asg.userData)).not.toThrow();
  });

  test('refuses a secret value smuggled into the environment', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const s = new secretsmanager.Secret(stack, 'S1');
    expect(() =>
      buildHostBootstrap(stack, {
        ...baseProps(stack),
        environment: { SMTP_PASSWORD: s.secretValue.unsafeUnwrap() },
      }),
    ).toThrow(/secretsmanager dynamic reference/);
  });

  test.each([
    [{ environment: { DB_POOL: '5' } }, /DB_POOL is set per process/],
    [{ environment: { 'BAD-NAME': 'x' } }, /not a literal environment variable name/],
    [{ environment: { SMTP_FROM_ADDRESS: 'trailing ' } }, /ends with whitespace/],
    [{ deploymentId: 'has spaces' }, /deploymentId/],
    [{ sidekiqQueues: MastodonVersion.V4_5.sidekiqQueues() }, /exactly one Sidekiq process/],
  ])('refuses %j', (override, message) => {
    const app = new App();
    const stack = new Stack(app, 'S');
    expect(() =>
      buildHostBootstrap(stack, { ...baseProps(stack), ...(override as Partial<HostBootstrapProps>) }),
    ).toThrow(message);
  });

  test('the fingerprint follows the version, the environment and the queues', () => {
    const fp = (o: Partial<HostBootstrapProps>) => {
      const app = new App();
      const stack = new Stack(app, 'S');
      return buildHostBootstrap(stack, { ...baseProps(stack), ...o }).fingerprint;
    };
    const base = fp({});
    expect(fp({})).toBe(base);
    expect(fp({ environment: { LOCAL_DOMAIN: 'other.example' } })).not.toBe(base);
    expect(fp({ sidekiqConcurrency: 11 })).not.toBe(base);
    expect(
      fp({
        mastodonVersion: MastodonVersion.V4_4,
        sidekiqQueues: MastodonVersion.V4_4.sidekiqQueuesWithoutScheduler(),
      }),
    ).not.toBe(base);
  });

  test('tags identify deployment, role and version', () => {
    expect(setup(HostRole.WEB).bootstrap.tags).toEqual({
      'cdk-mastodon:deployment': 'social-example',
      'cdk-mastodon:role': 'web',
      'cdk-mastodon:version': '4.5.11',
    });
  });

  test('from source: checks the AMI instead of installing packages', () => {
    const { stack } = setup(HostRole.WEB, {}, InstallMode.fromSource());
    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).toContain('the AMI lacks');
    // Mastodon itself comes from the AMI: the install step only checks it. (The CloudWatch agent
    // script may install the agent, which is not Mastodon.)
    const asg = Object.values(
      Template.fromStack(stack).findResources('AWS::AutoScaling::AutoScalingGroup'),
    )[0];
    expect(JSON.stringify(asg.Metadata['AWS::CloudFormation::Init'].mastodonInstall)).not.toContain(
      'dnf install',
    );
  });
});

function baseProps(stack: Stack): HostBootstrapProps {
  const version = MastodonVersion.V4_5;
  return {
    role: HostRole.WEB,
    installMode: InstallMode.containers(),
    mastodonVersion: version,
    sidekiqQueues: version.sidekiqQueuesWithoutScheduler(),
    sidekiqConcurrency: 10,
    web: { webConcurrency: 2, maxThreads: 5, streamingDbPool: 10 },
    environment: { LOCAL_DOMAIN: 'social.example' },
    secrets: [],
    logGroup: logs.LogGroup.fromLogGroupName(stack, `L${stack.node.children.length}`, '/mastodon'),
    deploymentId: 'social-example',
  };
}
