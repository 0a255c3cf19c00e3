import { createHash } from 'crypto';
import { CfnElement, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MastodonDatabase } from '../../data/mastodon-database';
import {
  assertUserDataWithinLimit,
  buildHostBootstrap,
  HostBootstrapProps,
  HostRole,
} from '../../host/host-bootstrap';
import { InstallMode } from '../../host/install-mode';
import { SidekiqQueue } from '../../mastodon/sidekiq-queue';
import { acknowledgeFinding } from '../../private/acknowledge';
import { invalidProp } from '../../private/errors';
import { HostPlacement } from '../host-placement';
import { MastodonHostOptions } from '../mastodon-host-options';
import { mastodonEnvironment } from './mastodon-environment';

/** What a host group needs beyond the shared options. */
export interface HostGroupProps extends MastodonHostOptions {
  readonly vpc: ec2.IVpc;
  readonly database: MastodonDatabase;
  /** What the hosts run. */
  readonly hostRole: HostRole;
  readonly sidekiqQueues: SidekiqQueue[];
  readonly sidekiqConcurrency: number;
  readonly web?: HostBootstrapProps['web'];
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity?: number;
  readonly updatePolicy: autoscaling.UpdatePolicy;
  readonly signals: autoscaling.Signals;
  readonly healthChecks: autoscaling.HealthChecks;
  /** Max healthy percentage during instance replacement (100 = terminate before launch). */
  readonly maxHealthyPercentage?: number;
  readonly minHealthyPercentage?: number;
}

/**
 * The parts every Mastodon host group has: an instance role, a security group that admits
 * nothing from the internet, an explicit launch template (IMDSv2, encrypted root volume), the
 * Auto Scaling Group and a log group.
 */
export class HostGroup extends Construct {
  public readonly role: iam.Role;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly launchTemplate: ec2.LaunchTemplate;
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly logGroup: logs.LogGroup;
  public readonly instanceType: ec2.InstanceType;
  /** Hash of everything that rolls the hosts when it changes. */
  public readonly fingerprint: string;

  constructor(scope: Construct, id: string, props: HostGroupProps) {
    super(scope, id);
    const roleName = props.hostRole;
    const env = mastodonEnvironment(scope, props.database, props.vpc, props);
    const placement = props.placement ?? HostPlacement.PRIVATE_SUBNETS_WITH_NAT;
    const publicIp = placement === HostPlacement.PUBLIC_SUBNETS_WITH_PUBLIC_IP;
    this.instanceType =
      props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL);
    const cpuType =
      this.instanceType.architecture === ec2.InstanceArchitecture.ARM_64
        ? ec2.AmazonLinuxCpuType.ARM_64
        : ec2.AmazonLinuxCpuType.X86_64;
    const machineImage = props.machineImage ?? ec2.MachineImage.latestAmazonLinux2023({ cpuType });
    checkArchitecture(scope, this.instanceType, machineImage);
    const rootVolumeSize = props.rootVolumeSizeGiB ?? 30;
    if (!Token.isUnresolved(rootVolumeSize) && (rootVolumeSize < 8 || rootVolumeSize > 16384)) {
      throw invalidProp(
        scope,
        'rootVolumeSizeGiB',
        rootVolumeSize,
        'the root volume holds the OS, the container images and logs, and gp3 volumes go up to 16384 GiB',
        'Choose 8 to 16384 GiB; 30 (the default) fits the images',
      );
    }
    const vpcSubnets =
      props.vpcSubnets ??
      (publicIp ? { subnetType: ec2.SubnetType.PUBLIC } : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Mastodon ${roleName} host`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledgeFinding(
      this.role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      "AWS's policy for SSM Session Manager and Run Command, the only way operators reach the hosts (no SSH port is open); AWS keeps it current",
    );
    props.database.grantHostAccess(this.role);
    // grantReadWrite on the media bucket: object reads, writes and deletes under any key of that
    // one bucket, which is what Mastodon does with media (uploads, cache cleanup, deletions).
    const bucketObjects = `<${Stack.of(this).resolve((props.database.mediaBucket.node.defaultChild as CfnElement).logicalId)}.Arn>/*`;
    for (const finding of [
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      `Resource::${bucketObjects}`,
    ]) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'Scoped to the media bucket (and its objects): Mastodon uploads, reads, lists and deletes media under any key there; no other bucket and no bucket administration',
      });
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Mastodon ${roleName} hosts: no inbound from the internet`,
      allowAllOutbound: true,
    });
    props.database.allowDefaultPortsFrom(this.securityGroup);

    const bootstrap = buildHostBootstrap(this, {
      role: props.hostRole,
      installMode: props.installMode ?? InstallMode.containers(),
      mastodonVersion: props.database.mastodonVersion,
      sidekiqQueues: props.sidekiqQueues,
      sidekiqConcurrency: props.sidekiqConcurrency,
      web: props.web,
      environment: env.environment,
      secrets: env.secrets.map((s) => ({ name: s.variable, secret: s.secret, jsonField: s.jsonField })),
      logGroup: this.logGroup,
      deploymentId: deploymentId(props.database),
    });
    this.fingerprint = bootstrap.fingerprint;

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage,
      instanceType: this.instanceType,
      role: this.role,
      securityGroup: this.securityGroup,
      userData: ec2.UserData.forLinux(),
      requireImdsv2: true,
      // Containers reach the instance metadata service through one more network hop.
      httpPutResponseHopLimit: 2,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      associatePublicIpAddress: publicIp ? true : undefined,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(rootVolumeSize, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets,
      launchTemplate: this.launchTemplate,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      desiredCapacity: props.desiredCapacity,
      healthChecks: props.healthChecks,
      updatePolicy: props.updatePolicy,
      signals: props.signals,
      init: bootstrap.init,
      initOptions: { configSets: bootstrap.configSets, printLog: true },
      maxHealthyPercentage: props.maxHealthyPercentage,
      minHealthyPercentage: props.minHealthyPercentage,
      groupMetrics: [autoscaling.GroupMetrics.all()],
    });
    // Hosts start only once the whole data tier exists: the writer instance (a cluster is
    // complete before its writer), Redis, and the VAPID keys the custom resource writes.
    this.autoScalingGroup.node.addDependency(props.database);
    for (const [key, value] of Object.entries(bootstrap.tags)) {
      Tags.of(this.autoScalingGroup).add(key, value, { applyToLaunchedInstances: true });
    }

    // Secrets the env file is assembled from, the log group, the watchdog's health reports.
    bootstrap.grantTo(this.role);
    if (props.hostRole === HostRole.SCHEDULER) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ec2:DescribeInstances only, which has no resource-level permissions: the post-deployment migration waits until every web host carries the new version tag',
      });
    }
    assertUserDataWithinLimit(this, this.launchTemplate.userData!);
    acknowledgeFinding(
      this.role,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:<AWS::Region>:<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/*]',
      'SetInstanceHealth only, limited by the condition to groups tagged with this deployment and host role; the group name cannot be used (dependency cycle)',
    );
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason:
        "Scaling events are visible in the group activity history and the group metrics the library enables; where to send notifications (SNS topic, chat, pager) is the operator's choice",
    });
  }
}

/**
 * Refuses an instance type and an image of different CPU architectures, where the image's
 * architecture can be read from its SSM parameter name.
 */
function checkArchitecture(scope: Construct, instanceType: ec2.InstanceType, image: ec2.IMachineImage): void {
  // Public on generic SSM images, kept in props by the Amazon Linux ones.
  const candidate = image as { parameterName?: unknown; props?: { parameterName?: unknown } };
  const parameterName = candidate.parameterName ?? candidate.props?.parameterName;
  if (typeof parameterName !== 'string' || Token.isUnresolved(parameterName)) return;
  const imageArch = /arm64|aarch64/.test(parameterName)
    ? ec2.InstanceArchitecture.ARM_64
    : /x86_64|amd64/.test(parameterName)
      ? ec2.InstanceArchitecture.X86_64
      : undefined;
  if (imageArch === undefined || imageArch === instanceType.architecture) return;
  throw invalidProp(
    scope,
    'machineImage',
    parameterName,
    `the image is built for ${imageArch} but instanceType ${instanceType} is ${instanceType.architecture}, so instances would fail to boot`,
    `Use an ${instanceType.architecture} image (e.g. leave machineImage unset), or an instance type of the image's architecture`,
  );
}

/**
 * Identifies the deployment in host tags (the watchdog's permission and the post-deployment
 * migration's wait key on it): the stack's name and the database's path, so two stacks that use
 * the same construct path in one account never share it.
 */
function deploymentId(database: MastodonDatabase): string {
  const stackName = Stack.of(database).stackName;
  const scope = Token.isUnresolved(stackName) ? database.node.path : `${stackName}/${database.node.path}`;
  return createHash('sha256').update(scope).digest('hex').slice(0, 40);
}
