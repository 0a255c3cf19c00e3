import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HostPlacement } from './host-placement';
import { MastodonSmtpOptions } from './mastodon-smtp-options';
import { InstallMode } from '../host/install-mode';

/** Settings every Mastodon host group shares. */
export interface MastodonHostOptions {
  /**
   * EC2 instance type.
   *
   * @default ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * The image the hosts boot. With `InstallMode.fromSource()` this is your AMI built with
   * Mastodon's "Installing from source" guide; its architecture must match the instance type.
   *
   * @default - the latest Amazon Linux 2023 for the instance type's architecture
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * How Mastodon gets onto the host.
   *
   * @default InstallMode.containers()
   */
  readonly installMode?: InstallMode;

  /**
   * Where the hosts live.
   *
   * @default HostPlacement.PRIVATE_SUBNETS_WITH_NAT
   */
  readonly placement?: HostPlacement;

  /**
   * Explicit subnets, overriding `placement`'s subnet choice (the public IP setting still
   * follows `placement`).
   *
   * @default - private subnets with egress, or public subnets, per `placement`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Sidekiq threads per host (`-c`); `DB_POOL` of the Sidekiq process follows it.
   *
   * @default 10 on web fleet hosts, 25 on the scheduler host
   */
  readonly sidekiqConcurrency?: number;

  /**
   * Mail settings.
   *
   * @default - no SMTP settings: Mastodon cannot send mail (confirmations, resets)
   */
  readonly smtp?: MastodonSmtpOptions;

  /**
   * Extra non-secret environment variables for `.env.production`. Names the library sets
   * itself are refused, so a typo cannot silently override them.
   *
   * @default - none
   */
  readonly extraEnvironment?: { [name: string]: string };

  /**
   * Size of the root volume, in GiB (encrypted gp3).
   *
   * @default 30
   */
  readonly rootVolumeSizeGiB?: number;
}
