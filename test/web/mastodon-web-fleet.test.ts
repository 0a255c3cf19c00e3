import { Duration, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MastodonWebFleet, SidekiqSchedulerHost } from '../../src';
import { newDatabase, newStack } from '../helpers';

describe('MastodonWebFleet', () => {
  test('min 2 across two AZs, ELB health checks with a boot grace period, rolling updates that keep min in service, CPU scaling', () => {
    const { stack, vpc } = newStack();
    const database = newDatabase(stack, vpc);
    new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
    const fleet = new MastodonWebFleet(stack, 'Web', { vpc, database });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      Properties: Match.objectLike({
        MinSize: '2',
        MaxSize: '4',
        HealthCheckType: 'ELB',
        HealthCheckGracePeriod: 600,
        VPCZoneIdentifier: [Match.anyValue(), Match.anyValue()],
        InstanceMaintenancePolicy: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200 },
      }),
      UpdatePolicy: Match.objectLike({
        AutoScalingRollingUpdate: Match.objectLike({
          MaxBatchSize: 1,
          MinInstancesInService: 2,
          WaitOnResourceSignals: true,
        }),
      }),
      CreationPolicy: { ResourceSignal: { Count: 2, Timeout: 'PT20M' } },
    });
    const web = Object.entries(t.findResources('AWS::AutoScaling::AutoScalingGroup')).find(([id]) =>
      id.startsWith('Web'),
    )!;
    expect(web[1].Properties.DesiredCapacity).toBeUndefined();
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
        TargetValue: 60,
      },
    });
    expect(fleet.sidekiqQueues.map((q) => q.name)).toEqual([
      'default',
      'push',
      'ingress',
      'mailers',
      'pull',
      'fasp',
    ]);
  });

  test('case 4: the union of queues over the hosts equals the version queue list; scheduler only on the scheduler host', () => {
    const { app, stack, vpc } = newStack();
    const database = newDatabase(stack, vpc);
    const scheduler = new SidekiqSchedulerHost(stack, 'Scheduler', {
      vpc,
      database,
      sidekiqQueues: ['scheduler'],
    });
    const fleet = new MastodonWebFleet(stack, 'Web', { vpc, database });
    const union = new Set([...scheduler.sidekiqQueues, ...fleet.sidekiqQueues].map((q) => q.name));
    expect([...union].sort()).toEqual([...database.mastodonVersion.sidekiqQueueNames].sort());
    expect(fleet.sidekiqQueues.map((q) => q.name)).not.toContain('scheduler');
    expect(() => app.synth()).not.toThrow();
  });

  test('case 4: queue settings that leave queues unserved fail synthesis with the missing queues listed', () => {
    const { app, stack, vpc } = newStack();
    const database = newDatabase(stack, vpc);
    new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database, sidekiqQueues: ['scheduler', 'default'] });
    new MastodonWebFleet(stack, 'Web', {
      vpc,
      database,
      sidekiqQueues: ['default', 'push', 'mailers', 'pull'],
    });
    expect(() => app.synth()).toThrow(
      "[Test/Database] sidekiq queues of Mastodon 4.5.11 not served by any host: ingress, fasp: jobs in an unserved queue are never run (without 'ingress' incoming federation silently stops; without 'scheduler' no scheduled job runs). Attach one SidekiqSchedulerHost and leave sidekiqQueues unset (the defaults serve every queue), or add the missing queues to a host's sidekiqQueues",
    );
  });

  test('case 4: a deployment without a scheduler host misses the scheduler queue', () => {
    const { app, stack, vpc } = newStack();
    const database = newDatabase(stack, vpc);
    new MastodonWebFleet(stack, 'Web', { vpc, database });
    expect(() => app.synth()).toThrow('not served by any host: scheduler:');
  });

  test('case 9: the connection budget counts every pool at maximum size plus one rolling-update host', () => {
    const { app, stack, vpc } = newStack();
    const database = newDatabase(stack, vpc, { aurora: { serverlessV2MaxCapacity: 1 } });
    new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
    new MastodonWebFleet(stack, 'Web', { vpc, database, maxCapacity: 10 });
    expect(() => app.synth()).toThrow(
      "[Test/Database] connection budget exceeded: the hosts can open 356 database connections at their maximum size (Test/Scheduler: 1 host × (sidekiq 25 + migrations 1) = 26; Test/Web: 11 hosts (maxCapacity 10 + 1 during a rolling update) × (puma 2×5 + sidekiq 10 + streaming 10) = 330), and Aurora allows 186 at aurora.serverlessV2MaxCapacity 1 ACU (max_connections 189 less 3 reserved). Raise aurora.serverlessV2MaxCapacity, or lower the web fleet's maxCapacity, webConcurrency, maxThreads, sidekiqConcurrency or streamingDbPool",
    );
  });

  test('case 9: within 80% of max_connections is a warning, not an error', () => {
    const { stack, vpc } = newStack();
    const database = newDatabase(stack, vpc, { aurora: { serverlessV2MaxCapacity: 1 } });
    new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
    new MastodonWebFleet(stack, 'Web', { vpc, database, maxCapacity: 4 });
    // 26 + 5 × 30 = 176 of 186 allowed: above 80%.
    Annotations.fromStack(stack).hasWarning(
      '/Test/Database',
      Match.stringLikeRegexp('connection budget above 80%: the hosts can open 176 database connections'),
    );
  });

  test('the defaults fit comfortably: no budget warning', () => {
    const { stack, vpc } = newStack();
    const database = newDatabase(stack, vpc);
    new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
    new MastodonWebFleet(stack, 'Web', { vpc, database });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('connection budget'));
  });

  test.each([
    [
      'case 5: minCapacity as a token',
      { minCapacity: Token.asNumber({ Ref: 'Min' }) },
      "Test/Web: minCapacity is 'a token': the at-least-two-hosts rule, rolling updates and the connection budget need the value at synth time. Pass a literal number",
    ],
    [
      'a CPU target that is not a number',
      { targetCpuUtilizationPercent: NaN },
      'Test/Web: targetCpuUtilizationPercent is NaN: below 10% the fleet never scales in',
    ],
    [
      'case 5: minCapacity 1',
      { minCapacity: 1 },
      'Test/Web: minCapacity is 1: with fewer than 2 hosts, one failed host or one rolling update takes the whole server offline. Use minCapacity: 2 or more (the default is 2)',
    ],
    [
      'case 5: maxCapacity below minCapacity',
      { minCapacity: 3, maxCapacity: 2 },
      'Test/Web: maxCapacity is 2: it must be above minCapacity (3): rolling updates keep 3 hosts in service and launch one more. Use maxCapacity: 4 or more',
    ],
    [
      'case 5: maxCapacity equal to minCapacity',
      { minCapacity: 2, maxCapacity: 2 },
      'Test/Web: maxCapacity is 2: it must be above minCapacity (2): rolling updates keep 2 hosts in service and launch one more. Use maxCapacity: 3 or more',
    ],
    [
      'case 5: desiredCapacity below minCapacity',
      { desiredCapacity: 1 },
      'Test/Web: desiredCapacity is 1: it must lie between minCapacity (2) and maxCapacity (4). Leave desiredCapacity unset (it then starts at minCapacity) or choose a value in that range',
    ],
    [
      'case 4: scheduler on the web fleet',
      { sidekiqQueues: ['default', 'scheduler'] },
      "Test/Web: sidekiqQueues is ['default', 'scheduler']: 'scheduler' must run in exactly one Sidekiq process, and every web fleet host would run it (scheduled jobs would run once per host). Remove 'scheduler': the SidekiqSchedulerHost serves it",
    ],
    [
      'an empty queue list',
      { sidekiqQueues: [] },
      'Test/Web: sidekiqQueues is []: a Sidekiq process needs at least one queue. Leave sidekiqQueues unset to serve the defaults',
    ],
    [
      'a CPU target of 95%',
      { targetCpuUtilizationPercent: 95 },
      'Test/Web: targetCpuUtilizationPercent is 95: below 10% the fleet never scales in, above 90% it scales out only once hosts are saturated. Choose 10 to 90; 60 (the default) leaves headroom for bursts',
    ],
    [
      'zero Puma threads',
      { maxThreads: 0 },
      'Test/Web: maxThreads is 0: it must be a whole number from 1 to 64. Choose 5 (the default) or another number of Puma threads',
    ],
    [
      'a tiny root volume',
      { rootVolumeSizeGiB: 4 },
      'Test/Web: rootVolumeSizeGiB is 4: the root volume holds the OS, the container images and logs, and gp3 volumes go up to 16384 GiB. Choose 8 to 16384 GiB; 30 (the default) fits the images',
    ],
  ])('refuses %s', (_name, props, message) => {
    const { stack, vpc } = newStack();
    const database = newDatabase(stack, vpc);
    expect(() => new MastodonWebFleet(stack, 'Web', { vpc, database, ...props })).toThrow(message);
  });
});

describe('MastodonWebFleet props reach the template', () => {
  test('sizes, concurrency, grace period, signal timeout, root volume, instance type, subnets', () => {
    const { stack, vpc } = newStack();
    const database = newDatabase(stack, vpc, { aurora: { serverlessV2MaxCapacity: 16 } });
    new SidekiqSchedulerHost(stack, 'Scheduler', {
      vpc,
      database,
      signalTimeout: Duration.minutes(60),
      sidekiqConcurrency: 40,
    });
    const fleet = new MastodonWebFleet(stack, 'Web', {
      vpc,
      database,
      minCapacity: 3,
      maxCapacity: 9,
      desiredCapacity: 4,
      targetCpuUtilizationPercent: 45,
      webConcurrency: 3,
      maxThreads: 6,
      sidekiqConcurrency: 15,
      streamingDbPool: 12,
      healthCheckGracePeriod: Duration.minutes(15),
      signalTimeout: Duration.minutes(30),
      rootVolumeSizeGiB: 50,
      instanceType: new ec2.InstanceType('m7g.large'),
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      Properties: Match.objectLike({
        MinSize: '3',
        MaxSize: '9',
        DesiredCapacity: '4',
        HealthCheckGracePeriod: 900,
      }),
      UpdatePolicy: Match.objectLike({
        AutoScalingRollingUpdate: Match.objectLike({ MinInstancesInService: 3, PauseTime: 'PT30M' }),
      }),
      CreationPolicy: { ResourceSignal: { Count: 3, Timeout: 'PT30M' } },
    });
    t.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      Properties: Match.objectLike({ MinSize: '1' }),
      CreationPolicy: { ResourceSignal: { Count: 1, Timeout: 'PT1H' } },
    });
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({ TargetValue: 45 }),
    });
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 'm7g.large',
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: 50 }) })],
      }),
    });
    expect(fleet.webConcurrency * fleet.maxThreads + fleet.sidekiqConcurrency + fleet.streamingDbPool).toBe(
      45,
    );
    const units = JSON.stringify(t.toJSON());
    expect(units).toContain('WEB_CONCURRENCY=3');
    expect(units).toContain('MAX_THREADS=6');
    expect(units).toContain('-c 15');
    expect(units).toContain('-c 40');
  });
});

test('hosts start only after the whole data tier (writer instance, Redis, VAPID keys) and wait until healthy before signalling', () => {
  const { stack, vpc } = newStack();
  const database = newDatabase(stack, vpc);
  new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
  new MastodonWebFleet(stack, 'Web', { vpc, database });
  const t = Template.fromStack(stack);
  for (const [, asg] of Object.entries(t.findResources('AWS::AutoScaling::AutoScalingGroup'))) {
    expect(asg.DependsOn).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DatabaseClusterWriter/),
        expect.stringMatching(/^DatabaseRedis/),
        expect.stringMatching(/^DatabaseApplicationSecretsVapidKeysGenerator/),
      ]),
    );
    const watch = asg.Metadata['AWS::CloudFormation::Init'].mastodonWatch.commands;
    expect(watch['10-wait-until-healthy'].command).toBe(
      '/usr/local/sbin/mastodon-watchdog --until-healthy 900',
    );
  }
});
