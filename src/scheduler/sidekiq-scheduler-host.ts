import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MastodonHostOptions } from '../compute/mastodon-host-options';
import { HostGroup } from '../compute/private/host-group';
import { checkPositiveInteger, selectQueues } from '../compute/private/queue-selection';
import { MastodonDatabase } from '../data/mastodon-database';
import { HostRole } from '../host/host-bootstrap';
import { SCHEDULER_QUEUE } from '../mastodon/private/queue-table';
import { SidekiqQueue } from '../mastodon/sidekiq-queue';
import { invalidProp } from '../private/errors';

/** Settings of the scheduler host that a composite passes through unchanged. */
export interface SidekiqSchedulerHostOptions extends MastodonHostOptions {
  /**
   * The Sidekiq queues this host serves; must include `scheduler`.
   *
   * @default - every queue of the Mastodon version, `scheduler` included
   */
  readonly sidekiqQueues?: string[];

  /**
   * How long CloudFormation waits for a new scheduler host to report success, which includes
   * the pre-deployment database migrations of a version change.
   *
   * @default Duration.minutes(45)
   */
  readonly signalTimeout?: Duration;
}

/** Props of {@link SidekiqSchedulerHost}. */
export interface SidekiqSchedulerHostProps extends SidekiqSchedulerHostOptions {
  /** The VPC of the deployment. */
  readonly vpc: ec2.IVpc;
  /** The deployment's data tier; exactly one scheduler host may attach to it. */
  readonly database: MastodonDatabase;
}

/**
 * The one host that runs Sidekiq's `scheduler` queue (and, by default, every other queue), and
 * the deployment's one place that runs database migrations.
 *
 * It is an Auto Scaling Group of exactly one, so a failed host is replaced, but never two at
 * once: replacements terminate the old host before launching the new one (rolling updates with
 * none in service, an instance maintenance policy of at most 100% healthy capacity). AZ
 * rebalancing never launches a second host for a group of one, which is always balanced.
 */
export class SidekiqSchedulerHost extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The Auto Scaling Group of exactly one instance. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The launch template of the host. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The host's instance role. */
  public readonly role: iam.IRole;
  /** Security group rules of the host. */
  public readonly connections: ec2.Connections;
  /** The principal to grant extra permissions to. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The queues this host serves, with their weights. */
  public readonly sidekiqQueues: SidekiqQueue[];

  constructor(scope: Construct, id: string, props: SidekiqSchedulerHostProps) {
    super(scope, id);
    const version = props.database.mastodonVersion;
    this.sidekiqQueues = selectQueues(this, version, props.sidekiqQueues, version.sidekiqQueues());
    if (!this.sidekiqQueues.some((q) => q.name === SCHEDULER_QUEUE)) {
      throw invalidProp(
        this,
        'sidekiqQueues',
        props.sidekiqQueues,
        `the scheduler host exists to serve '${SCHEDULER_QUEUE}', and no other host may`,
        `Add '${SCHEDULER_QUEUE}' to sidekiqQueues, or leave it unset`,
      );
    }
    const concurrency = props.sidekiqConcurrency ?? 25;
    checkPositiveInteger(
      this,
      'sidekiqConcurrency',
      concurrency,
      200,
      'Choose 25 (the default) or another number of Sidekiq threads',
    );
    // One extra connection for the migrations the host runs next to Sidekiq.
    props.database._registerSidekiqHost(
      this,
      this.sidekiqQueues.map((q) => q.name),
      concurrency + 1,
      `1 host × (sidekiq ${concurrency} + migrations 1) = ${concurrency + 1}`,
    );

    const signalTimeout = props.signalTimeout ?? Duration.minutes(45);
    const group = new HostGroup(this, 'Hosts', {
      ...props,
      hostRole: HostRole.SCHEDULER,
      sidekiqQueues: this.sidekiqQueues,
      sidekiqConcurrency: concurrency,
      minCapacity: 1,
      maxCapacity: 1,
      // No desiredCapacity: min = max = 1 already pins it, and setting it only makes CDK warn
      // that every deploy resets the group's size.
      // Terminate the old host before the new one starts: two schedulers must never overlap.
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        minInstancesInService: 0,
        waitOnResourceSignals: true,
        pauseTime: signalTimeout,
      }),
      signals: autoscaling.Signals.waitForAll({ timeout: signalTimeout }),
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.minutes(15) }),
      minHealthyPercentage: 0,
      maxHealthyPercentage: 100,
    });
    this.autoScalingGroup = group.autoScalingGroup;
    this.launchTemplate = group.launchTemplate;
    this.role = group.role;
    this.grantPrincipal = group.role;
    this.connections = group.securityGroup.connections;
  }
}
