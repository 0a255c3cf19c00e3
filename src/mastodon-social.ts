import { Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { HostPlacement } from './compute/host-placement';
import { MastodonSmtpOptions } from './compute/mastodon-smtp-options';
import { MastodonDatabase, MastodonDatabaseOptions } from './data/mastodon-database';
import { MastodonEdge, MastodonEdgeOptions } from './edge/mastodon-edge';
import { InstallMode } from './host/install-mode';
import { MastodonVersion } from './mastodon/mastodon-version';
import { invalidProp } from './private/errors';
import { SidekiqSchedulerHost, SidekiqSchedulerHostOptions } from './scheduler/sidekiq-scheduler-host';
import { MastodonWebFleet, MastodonWebFleetOptions } from './web/mastodon-web-fleet';

/** Props of {@link MastodonSocial}. */
export interface MastodonSocialProps {
  /**
   * The server's domain, Mastodon's `LOCAL_DOMAIN`: the part after the @ of every handle. It can
   * never change once the server has federated.
   */
  readonly domain: string;

  /**
   * The domain the web interface is served on (`WEB_DOMAIN`), when it differs from `domain`.
   *
   * @default - same as `domain`
   */
  readonly webDomain?: string;

  /**
   * The public hosted zone of the web domain: the certificate is DNS-validated in it and an
   * alias record points the web domain at the load balancer.
   *
   * @default - no DNS records; `certificate` is then required
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * An existing ACM certificate for the web domain.
   *
   * @default - a certificate DNS-validated in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;

  /**
   * An existing VPC. It needs public subnets (load balancer), private subnets with egress
   * (hosts, with the default placement) and preferably isolated subnets (data), in 2+ AZs.
   *
   * @default - a new VPC over 2 Availability Zones
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The Mastodon release.
   *
   * @default MastodonVersion.latest()
   */
  readonly mastodonVersion?: MastodonVersion;

  /**
   * Where the hosts live (both host tiers, unless a tier's options say otherwise).
   *
   * @default HostPlacement.PRIVATE_SUBNETS_WITH_NAT
   */
  readonly placement?: HostPlacement;

  /**
   * How Mastodon gets onto the hosts (both host tiers, unless a tier's options say otherwise).
   *
   * @default InstallMode.containers()
   */
  readonly installMode?: InstallMode;

  /**
   * How Mastodon sends mail (both host tiers, unless a tier's options say otherwise).
   *
   * @default - no SMTP settings: Mastodon cannot send mail
   */
  readonly smtp?: MastodonSmtpOptions;

  /**
   * Data tier settings.
   *
   * @default - see MastodonDatabaseOptions
   */
  readonly database?: MastodonDatabaseOptions;

  /**
   * Scheduler host settings.
   *
   * @default - see SidekiqSchedulerHostOptions
   */
  readonly scheduler?: SidekiqSchedulerHostOptions;

  /**
   * Web fleet settings.
   *
   * @default - see MastodonWebFleetOptions
   */
  readonly webFleet?: MastodonWebFleetOptions;

  /**
   * Load balancer settings.
   *
   * @default - see MastodonEdgeOptions
   */
  readonly edge?: MastodonEdgeOptions;

  /**
   * Whether to add a bastion host (reached through SSM Session Manager; no SSH port is opened)
   * for database maintenance, as in the seed architecture.
   *
   * @default false
   */
  readonly bastion?: boolean;
}

/**
 * A complete Mastodon deployment: the data tier, the one Sidekiq scheduler host, the web fleet
 * and the load balancer, wired together in one VPC.
 */
export class MastodonSocial extends Construct {
  /** The VPC of the deployment. */
  public readonly vpc: ec2.IVpc;
  /** Aurora, Redis, the media bucket and the application secrets. */
  public readonly database: MastodonDatabase;
  /** The one host that runs Sidekiq's `scheduler` queue and the migrations. */
  public readonly scheduler: SidekiqSchedulerHost;
  /** The web fleet. */
  public readonly webFleet: MastodonWebFleet;
  /** The load balancer, listeners, certificate and DNS record. */
  public readonly edge: MastodonEdge;
  /** The bastion host, when requested. */
  public readonly bastion?: ec2.BastionHostLinux;

  constructor(scope: Construct, id: string, props: MastodonSocialProps) {
    super(scope, id);
    const placement = props.placement ?? HostPlacement.PRIVATE_SUBNETS_WITH_NAT;
    const tierPlacements = [props.scheduler?.placement ?? placement, props.webFleet?.placement ?? placement];
    const needsNat = tierPlacements.includes(HostPlacement.PRIVATE_SUBNETS_WITH_NAT);
    if (props.vpc === undefined && props.database?.vpcSubnets !== undefined) {
      throw invalidProp(
        this,
        'database.vpcSubnets',
        'set',
        'subnets can only be chosen in a VPC you bring',
        'Pass vpc as well, or leave database.vpcSubnets unset',
      );
    }
    this.vpc = props.vpc ?? this.createVpc(needsNat);
    if (props.vpc && needsNat && props.vpc.privateSubnets.length === 0) {
      throw invalidProp(
        this,
        'vpc',
        props.vpc.node.path,
        'it has no private subnets with egress, which HostPlacement.PRIVATE_SUBNETS_WITH_NAT (the default) puts the hosts in',
        'Add private subnets with a NAT gateway to the VPC, or set placement: HostPlacement.PUBLIC_SUBNETS_WITH_PUBLIC_IP',
      );
    }

    this.database = new MastodonDatabase(this, 'Database', {
      ...props.database,
      vpc: this.vpc,
      domain: props.domain,
      webDomain: props.webDomain,
      mastodonVersion: props.mastodonVersion,
    });

    const hostDefaults = { placement, installMode: props.installMode, smtp: props.smtp };
    this.scheduler = new SidekiqSchedulerHost(this, 'Scheduler', {
      ...hostDefaults,
      ...props.scheduler,
      vpc: this.vpc,
      database: this.database,
    });
    this.webFleet = new MastodonWebFleet(this, 'WebFleet', {
      ...hostDefaults,
      ...props.webFleet,
      vpc: this.vpc,
      database: this.database,
    });
    // The web fleet rolls onto a new version only after the scheduler host has run the
    // pre-deployment migrations and signalled success.
    this.webFleet.autoScalingGroup.node.addDependency(this.scheduler.autoScalingGroup);

    this.edge = new MastodonEdge(this, 'Edge', {
      ...props.edge,
      vpc: this.vpc,
      webFleet: this.webFleet,
      domainName: this.database.webDomain,
      certificate: props.certificate,
      hostedZone: props.hostedZone,
    });

    if (props.bastion) {
      this.bastion = new ec2.BastionHostLinux(this, 'Bastion', {
        vpc: this.vpc,
        subnetSelection: {
          subnetType: needsNat ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC,
        },
        requireImdsv2: true,
        blockDevices: [
          {
            deviceName: '/dev/xvda',
            volume: ec2.BlockDeviceVolume.ebs(10, {
              encrypted: true,
              volumeType: ec2.EbsDeviceVolumeType.GP3,
            }),
          },
        ],
      });
      if (!needsNat) {
        // Public subnets without a NAT gateway: the bastion needs its own address to reach
        // Session Manager (BastionHostLinux has no prop for it, so the L1 gets one interface).
        const instance = this.bastion.instance.node.defaultChild as ec2.CfnInstance;
        instance.addPropertyOverride('NetworkInterfaces', [
          {
            DeviceIndex: '0',
            AssociatePublicIpAddress: true,
            SubnetId: instance.subnetId,
            GroupSet: instance.securityGroupIds,
          },
        ]);
        instance.addPropertyDeletionOverride('SubnetId');
        instance.addPropertyDeletionOverride('SecurityGroupIds');
      }
      this.database.allowDefaultPortsFrom(this.bastion, 'Bastion to the data tier');
      const bastionAcks: Record<string, string> = {
        'AwsSolutions-IAM5[Action::ec2messages:*]':
          "aws-cdk-lib's BastionHostLinux grants the SSM Session Manager channel actions, which have no resource-level permissions",
        'AwsSolutions-IAM5[Action::ssmmessages:*]':
          "aws-cdk-lib's BastionHostLinux grants the SSM Session Manager channel actions, which have no resource-level permissions",
        'AwsSolutions-IAM5[Resource::*]':
          'The SSM Session Manager actions support no resource-level permissions, so they apply to *',
        'AwsSolutions-EC26':
          'The root volume is encrypted (blockDevices above); the rule cannot evaluate the instance because it references the launch template that requireImdsv2 adds',
        'AwsSolutions-EC28':
          'An idle maintenance host reached through Session Manager; basic monitoring is enough and detailed monitoring costs more than the instance',
        'AwsSolutions-EC29':
          'A stateless maintenance host that CloudFormation replaces freely; termination protection would only block stack updates',
      };
      for (const [ruleId, reason] of Object.entries(bastionAcks)) {
        Validations.of(this.bastion).acknowledge({ id: ruleId, reason });
      }
    }
  }

  private createVpc(needsNat: boolean): ec2.Vpc {
    return new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: needsNat ? 1 : 0,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        ...(needsNat
          ? [{ name: 'Hosts', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 }]
          : []),
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // Flow logs are the first thing an incident review asks for.
      flowLogs: { RejectedTraffic: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
  }
}
