import { Duration, Token } from 'aws-cdk-lib';
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
import { invalidProp, requireLiterals } from '../private/errors';

/** Settings of the web fleet that a composite passes through unchanged. */
export interface MastodonWebFleetOptions extends MastodonHostOptions {
  /**
   * Minimum number of hosts; at least 2, so one host can fail without an outage.
   *
   * @default 2
   */
  readonly minCapacity?: number;

  /**
   * Maximum number of hosts; above `minCapacity`, because rolling updates keep `minCapacity`
   * in service by launching one extra host.
   *
   * @default 4
   */
  readonly maxCapacity?: number;

  /**
   * Number of hosts at deployment time. Setting it resets the group's size on every deploy.
   *
   * @default - `minCapacity`, and the scaling policy decides from there
   */
  readonly desiredCapacity?: number;

  /**
   * Average CPU utilization the fleet scales to hold.
   *
   * @default 60
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * Puma worker processes per host (`WEB_CONCURRENCY`).
   *
   * @default 2
   */
  readonly webConcurrency?: number;

  /**
   * Puma threads per worker (`MAX_THREADS`); each holds one database connection.
   *
   * @default 5
   */
  readonly maxThreads?: number;

  /**
   * Database connections of the streaming server per host (its `DB_POOL`).
   *
   * @default 10
   */
  readonly streamingDbPool?: number;

  /**
   * The Sidekiq queues these hosts serve. `scheduler` is refused: exactly one host of the
   * deployment, the `SidekiqSchedulerHost`, serves it.
   *
   * @default - every queue of the Mastodon version except `scheduler`
   */
  readonly sidekiqQueues?: string[];

  /**
   * How long a new host has to boot, start Mastodon and pass its checks before the load
   * balancer's health checks count.
   *
   * @default Duration.minutes(10)
   */
  readonly healthCheckGracePeriod?: Duration;

  /**
   * How long CloudFormation waits for a new host to report success.
   *
   * @default Duration.minutes(20)
   */
  readonly signalTimeout?: Duration;
}

/** Props of {@link MastodonWebFleet}. */
export interface MastodonWebFleetProps extends MastodonWebFleetOptions {
  /** The VPC of the deployment. */
  readonly vpc: ec2.IVpc;
  /** The deployment's data tier. */
  readonly database: MastodonDatabase;
}

/**
 * The web fleet: an Auto Scaling Group across at least two Availability Zones whose hosts run
 * Puma, the streaming server, nginx (HTTPS to the load balancer) and Sidekiq for every queue
 * except `scheduler`. Rolling updates keep `minCapacity` in service; the load balancer's health
 * check replaces failed hosts; a CPU target-tracking policy scales it.
 */
export class MastodonWebFleet extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The Auto Scaling Group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The launch template of the hosts. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The hosts' instance role. */
  public readonly role: iam.IRole;
  /** Security group rules of the hosts. */
  public readonly connections: ec2.Connections;
  /** The principal to grant extra permissions to. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The queues these hosts serve, with their weights. */
  public readonly sidekiqQueues: SidekiqQueue[];
  /** Minimum number of hosts. */
  public readonly minCapacity: number;
  /** Maximum number of hosts. */
  public readonly maxCapacity: number;
  /** Puma workers per host. */
  public readonly webConcurrency: number;
  /** Puma threads per worker. */
  public readonly maxThreads: number;
  /** Sidekiq threads per host. */
  public readonly sidekiqConcurrency: number;
  /** Streaming server database connections per host. */
  public readonly streamingDbPool: number;

  constructor(scope: Construct, id: string, props: MastodonWebFleetProps) {
    super(scope, id);
    this.minCapacity = props.minCapacity ?? 2;
    this.maxCapacity = props.maxCapacity ?? Math.max(4, this.minCapacity + 1);
    this.checkCapacity(props.desiredCapacity);
    const version = props.database.mastodonVersion;
    if (props.sidekiqQueues?.includes(SCHEDULER_QUEUE)) {
      throw invalidProp(
        this,
        'sidekiqQueues',
        props.sidekiqQueues,
        `'${SCHEDULER_QUEUE}' must run in exactly one Sidekiq process, and every web fleet host would run it (scheduled jobs would run once per host)`,
        `Remove '${SCHEDULER_QUEUE}': the SidekiqSchedulerHost serves it`,
      );
    }
    this.sidekiqQueues = selectQueues(
      this,
      version,
      props.sidekiqQueues,
      version.sidekiqQueuesWithoutScheduler(),
    );
    this.webConcurrency = props.webConcurrency ?? 2;
    this.maxThreads = props.maxThreads ?? 5;
    this.sidekiqConcurrency = props.sidekiqConcurrency ?? 10;
    this.streamingDbPool = props.streamingDbPool ?? 10;
    checkPositiveInteger(
      this,
      'webConcurrency',
      this.webConcurrency,
      64,
      'Choose about one Puma worker per vCPU, e.g. 2 (the default)',
    );
    checkPositiveInteger(
      this,
      'maxThreads',
      this.maxThreads,
      64,
      'Choose 5 (the default) or another number of Puma threads',
    );
    checkPositiveInteger(
      this,
      'sidekiqConcurrency',
      this.sidekiqConcurrency,
      200,
      'Choose 10 (the default) or another number of Sidekiq threads',
    );
    checkPositiveInteger(this, 'streamingDbPool', this.streamingDbPool, 200, 'Choose 10 (the default)');
    const cpuTarget = props.targetCpuUtilizationPercent ?? 60;
    if (!Token.isUnresolved(cpuTarget) && !(cpuTarget >= 10 && cpuTarget <= 90)) {
      throw invalidProp(
        this,
        'targetCpuUtilizationPercent',
        cpuTarget,
        'below 10% the fleet never scales in, above 90% it scales out only once hosts are saturated',
        'Choose 10 to 90; 60 (the default) leaves headroom for bursts',
      );
    }
    // A rolling update launches one host above the current size, so budget for maxCapacity + 1.
    const perHost = this.webConcurrency * this.maxThreads + this.sidekiqConcurrency + this.streamingDbPool;
    const peakHosts = this.maxCapacity + 1;
    props.database._registerSidekiqHost(
      this,
      this.sidekiqQueues.map((q) => q.name),
      peakHosts * perHost,
      `${peakHosts} hosts (maxCapacity ${this.maxCapacity} + 1 during a rolling update) × (puma ${this.webConcurrency}×${this.maxThreads} + sidekiq ${this.sidekiqConcurrency} + streaming ${this.streamingDbPool}) = ${peakHosts * perHost}`,
    );

    const signalTimeout = props.signalTimeout ?? Duration.minutes(20);
    const group = new HostGroup(this, 'Hosts', {
      ...props,
      hostRole: HostRole.WEB,
      sidekiqQueues: this.sidekiqQueues,
      sidekiqConcurrency: this.sidekiqConcurrency,
      web: {
        webConcurrency: this.webConcurrency,
        maxThreads: this.maxThreads,
        streamingDbPool: this.streamingDbPool,
      },
      minCapacity: this.minCapacity,
      maxCapacity: this.maxCapacity,
      desiredCapacity: props.desiredCapacity,
      // One host at a time, never below minCapacity in service.
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        minInstancesInService: this.minCapacity,
        waitOnResourceSignals: true,
        pauseTime: signalTimeout,
      }),
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: signalTimeout }),
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: props.healthCheckGracePeriod ?? Duration.minutes(10),
      }),
      minHealthyPercentage: 100,
      maxHealthyPercentage: 200,
    });
    this.autoScalingGroup = group.autoScalingGroup;
    this.launchTemplate = group.launchTemplate;
    this.role = group.role;
    this.grantPrincipal = group.role;
    this.connections = group.securityGroup.connections;
    this.autoScalingGroup.scaleOnCpuUtilization('CpuTarget', { targetUtilizationPercent: cpuTarget });
  }

  private checkCapacity(desired?: number): void {
    const min = this.minCapacity;
    const max = this.maxCapacity;
    requireLiterals(
      this,
      { minCapacity: min, maxCapacity: max, desiredCapacity: desired },
      'the at-least-two-hosts rule, rolling updates and the connection budget need the value',
    );
    if (!Token.isUnresolved(min) && (!Number.isInteger(min) || min < 2)) {
      throw invalidProp(
        this,
        'minCapacity',
        min,
        'with fewer than 2 hosts, one failed host or one rolling update takes the whole server offline',
        'Use minCapacity: 2 or more (the default is 2)',
      );
    }
    if (!Token.isUnresolved(max) && (!Number.isInteger(max) || max <= min)) {
      throw invalidProp(
        this,
        'maxCapacity',
        max,
        `it must be above minCapacity (${min}): rolling updates keep ${min} hosts in service and launch one more`,
        `Use maxCapacity: ${min + 1} or more`,
      );
    }
    if (desired !== undefined && !Token.isUnresolved(desired) && (desired < min || desired > max)) {
      throw invalidProp(
        this,
        'desiredCapacity',
        desired,
        `it must lie between minCapacity (${min}) and maxCapacity (${max})`,
        'Leave desiredCapacity unset (it then starts at minCapacity) or choose a value in that range',
      );
    }
  }
}
