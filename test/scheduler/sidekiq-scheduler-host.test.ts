import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { HostPlacement, MastodonWebFleet, SidekiqSchedulerHost } from '../../src';
import { newDatabase, newStack } from '../helpers';

describe('SidekiqSchedulerHost', () => {
  test('an Auto Scaling Group of exactly one that never overlaps with its replacement', () => {
    const { stack, vpc } = newStack();
    const database = newDatabase(stack, vpc);
    const host = new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      Properties: Match.objectLike({
        MinSize: '1',
        MaxSize: '1',
        DesiredCapacity: Match.absent(),
        HealthCheckType: 'EC2',
        InstanceMaintenancePolicy: { MinHealthyPercentage: 0, MaxHealthyPercentage: 100 },
      }),
      UpdatePolicy: {
        AutoScalingRollingUpdate: Match.objectLike({
          MaxBatchSize: 1,
          MinInstancesInService: 0,
          WaitOnResourceSignals: true,
          PauseTime: 'PT45M',
        }),
        AutoScalingScheduledAction: { IgnoreUnmodifiedGroupSizeProperties: true },
      },
      CreationPolicy: { ResourceSignal: { Count: 1, Timeout: 'PT45M' } },
    });
    expect(host.sidekiqQueues.map((q) => q.name)).toEqual([
      'default',
      'push',
      'ingress',
      'mailers',
      'pull',
      'scheduler',
      'fasp',
    ]);
    expect(database.scheduler).toBe(host);
  });

  test('explicit launch template: IMDSv2 required, hop limit 2, encrypted gp3 root, t4g.small on arm64 Amazon Linux 2023', () => {
    const { stack, vpc } = newStack();
    new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database: newDatabase(stack, vpc) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::AutoScaling::LaunchConfiguration', 0);
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 't4g.small',
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: { Encrypted: true, VolumeSize: 30, VolumeType: 'gp3', DeleteOnTermination: true },
          },
        ],
      }),
    });
    const params = JSON.stringify(Template.fromStack(stack).toJSON().Parameters);
    expect(params).toContain('al2023-ami-kernel-6.1-arm64');
  });

  test('no inbound rule from anywhere, SSM Session Manager instead of SSH, data tier admits the host', () => {
    const { stack, vpc } = newStack();
    new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database: newDatabase(stack, vpc) });
    const t = Template.fromStack(stack);
    const json = JSON.stringify(t.toJSON());
    expect(json).not.toContain('0.0.0.0/0","FromPort":22');
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress).toHaveLength(2);
    expect(ingress.every((r) => r.SourceSecurityGroupId && !r.CidrIp)).toBe(true);
    expect(ingress.map((r) => r.FromPort)).toContainEqual(6379);
    expect(JSON.stringify(ingress.map((r) => r.FromPort))).toMatch(
      /"Fn::GetAtt":\["DatabaseCluster[0-9A-F]+","Endpoint.Port"\]/,
    );
    t.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore'],
          ],
        },
      ],
    });
  });

  test('public placement gives hosts a public IP in public subnets and still no inbound rule', () => {
    const { stack, vpc } = newStack();
    new SidekiqSchedulerHost(stack, 'Scheduler', {
      vpc,
      database: newDatabase(stack, vpc),
      placement: HostPlacement.PUBLIC_SUBNETS_WITH_PUBLIC_IP,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: true, DeviceIndex: 0 })],
      }),
    });
  });

  test.each([
    [
      'case 17: a second scheduler on the same database',
      (stack: Stack, vpc: ec2.IVpc, db: any) => {
        new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database: db });
        new SidekiqSchedulerHost(stack, 'Scheduler2', { vpc, database: db });
      },
      "Test/Scheduler2: a second host serves the 'scheduler' queue of Test/Database: Test/Scheduler already serves it, and Sidekiq's scheduler must run in exactly one process or every scheduled job (cleanups, digests, trends) runs twice. Keep one SidekiqSchedulerHost per MastodonDatabase; for more Sidekiq capacity scale the web fleet, whose hosts serve every other queue",
    ],
    [
      'a scheduler host without the scheduler queue',
      (stack: Stack, vpc: ec2.IVpc, db: any) => {
        new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database: db, sidekiqQueues: ['default'] });
      },
      "Test/Scheduler: sidekiqQueues is ['default']: the scheduler host exists to serve 'scheduler', and no other host may. Add 'scheduler' to sidekiqQueues, or leave it unset",
    ],
    [
      'an unknown queue',
      (stack: Stack, vpc: ec2.IVpc, db: any) => {
        new SidekiqSchedulerHost(stack, 'Scheduler', {
          vpc,
          database: db,
          sidekiqQueues: ['scheduler', 'federation'],
        });
      },
      "Test/Scheduler: sidekiqQueues is ['scheduler', 'federation']: Mastodon 4.5.11 has no queue 'federation' (its queues: default, push, ingress, mailers, pull, scheduler, fasp). Use queue names from that list",
    ],
    [
      'a duplicated queue',
      (stack: Stack, vpc: ec2.IVpc, db: any) => {
        new SidekiqSchedulerHost(stack, 'Scheduler', {
          vpc,
          database: db,
          sidekiqQueues: ['scheduler', 'scheduler'],
        });
      },
      "Test/Scheduler: sidekiqQueues is ['scheduler', 'scheduler']: 'scheduler' is listed twice. List each queue once; weights come from Mastodon's sidekiq.yml",
    ],
    [
      'case 12: an x86-64 image on a Graviton instance type',
      (stack: Stack, vpc: ec2.IVpc, db: any) => {
        new SidekiqSchedulerHost(stack, 'Scheduler', {
          vpc,
          database: db,
          machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.X86_64 }),
        });
      },
      "Test/Scheduler: machineImage is '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64': the image is built for x86_64 but instanceType t4g.small is arm64, so instances would fail to boot. Use an arm64 image (e.g. leave machineImage unset), or an instance type of the image's architecture",
    ],
    [
      'case 12: an arm64 image on an x86-64 instance type',
      (stack: Stack, vpc: ec2.IVpc, db: any) => {
        new SidekiqSchedulerHost(stack, 'Scheduler', {
          vpc,
          database: db,
          instanceType: new ec2.InstanceType('t3.small'),
          machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
        });
      },
      "Test/Scheduler: machineImage is '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64': the image is built for arm64 but instanceType t3.small is x86_64, so instances would fail to boot. Use an x86_64 image (e.g. leave machineImage unset), or an instance type of the image's architecture",
    ],
    [
      'SMTP on port 25',
      (stack: Stack, vpc: ec2.IVpc, db: any) => {
        new SidekiqSchedulerHost(stack, 'Scheduler', {
          vpc,
          database: db,
          smtp: { server: 'smtp.example.com', port: 25, fromAddress: 'a@example.com' },
        });
      },
      'Test/Scheduler: smtp.port is 25: EC2 throttles outbound port 25, so mail would be delayed or lost. Use 587 (STARTTLS, the default) or 465 (implicit TLS)',
    ],
    [
      'an extra variable that the library sets itself',
      (stack: Stack, vpc: ec2.IVpc, db: any) => {
        new SidekiqSchedulerHost(stack, 'Scheduler', {
          vpc,
          database: db,
          extraEnvironment: { DB_HOST: 'elsewhere' },
        });
      },
      "Test/Scheduler: extraEnvironment is 'DB_HOST': the library sets this variable itself from the deployment, and overriding it would make the hosts disagree with the infrastructure. Use the matching construct prop instead (see the README's configuration table)",
    ],
    [
      'a zero concurrency',
      (stack: Stack, vpc: ec2.IVpc, db: any) => {
        new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database: db, sidekiqConcurrency: 0 });
      },
      'Test/Scheduler: sidekiqConcurrency is 0: it must be a whole number from 1 to 200. Choose 25 (the default) or another number of Sidekiq threads',
    ],
  ])('refuses %s', (_name, build, message) => {
    const { stack, vpc } = newStack();
    const db = newDatabase(stack, vpc);
    expect(() => build(stack, vpc, db)).toThrow(message);
  });

  test('case 17: a second scheduler in another stack of the app is refused too', () => {
    const { app, stack, vpc } = newStack();
    const db = newDatabase(stack, vpc);
    new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database: db });
    const other = new Stack(app, 'Other');
    expect(() => new SidekiqSchedulerHost(other, 'Scheduler', { vpc, database: db })).toThrow(
      "Other/Scheduler: a second host serves the 'scheduler' queue of Test/Database",
    );
  });

  test('case 17: two independent deployments in one app each keep their own single scheduler', () => {
    const app = new App();
    for (const name of ['One', 'Two']) {
      const stack = new Stack(app, name);
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
      const database = newDatabase(stack, vpc);
      new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
      new MastodonWebFleet(stack, 'Web', { vpc, database });
    }
    expect(() => app.synth()).not.toThrow();
  });

  test('SMTP on 465 uses implicit TLS and credentials come from the secret', () => {
    const { stack, vpc } = newStack();
    const credentials = new secretsmanager.Secret(stack, 'Smtp');
    new SidekiqSchedulerHost(stack, 'Scheduler', {
      vpc,
      database: newDatabase(stack, vpc),
      smtp: { server: 'smtp.example.com', port: 465, fromAddress: 'a@example.com', credentials },
    });
    const meta = JSON.stringify(
      Template.fromStack(stack).findResources('AWS::AutoScaling::AutoScalingGroup'),
    );
    expect(meta).toContain('"SMTP_TLS":"true"');
    expect(meta).toContain('"SMTP_ENABLE_STARTTLS":"never"');
    expect(meta).toMatch(/"name":"SMTP_PASSWORD","secretArn":\{"Ref":"Smtp/);
    // The host role can read it (the env file is assembled with the instance role).
    const reads = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => JSON.stringify(st.Action).includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(reads.map((st: any) => st.Resource))).toMatch(/"Ref":"Smtp/);
  });
});

test('the deployment tag differs between stacks that use the same construct path', () => {
  const tags = ['One', 'Two'].map((name) => {
    const app = new App();
    const stack = new Stack(app, name);
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const database = newDatabase(stack, vpc);
    new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
    const asg = Object.values(
      Template.fromStack(stack).findResources('AWS::AutoScaling::AutoScalingGroup'),
    )[0];
    return asg.Properties.Tags.find((t: any) => t.Key === 'cdk-mastodon:deployment').Value;
  });
  expect(tags[0]).toMatch(/^[0-9a-f]{40}$/);
  expect(tags[0]).not.toEqual(tags[1]);
});

test('synthesizes without warnings (cdk synth --strict passes)', () => {
  const { stack, vpc } = newStack();
  const database = newDatabase(stack, vpc);
  new SidekiqSchedulerHost(stack, 'Scheduler', { vpc, database });
  new MastodonWebFleet(stack, 'Web', { vpc, database });
  Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
});
