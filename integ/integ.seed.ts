/**
 * Scenario 3, the seed's setup: hosts booted from your own AMI built with Mastodon's
 * "Installing from source" guide, in public subnets with public IPs (no NAT gateway), Mastodon's
 * classic public-read object ACLs on media, and a bastion host for database maintenance.
 *
 * The AMI ID is read at deploy time from the SSM parameter below (an arm64 image, as the default
 * instance type is t4g), so the template never holds an account-specific image ID.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { HostPlacement, InstallMode, MastodonSocial, MediaPublicAccess } from '../src';
import { Scenario } from './integ.defaults';
import { scenarioTest } from './support/assertions';
import { integApp, integSettings, integStack } from './support/integ-app';

/** SSM parameter holding the ID of the maintainer's from-source Mastodon AMI. */
export const FROM_SOURCE_AMI_PARAMETER = '/cdk-mastodon/integ/from-source-ami';

export function buildSeedScenario(outdir?: string): Scenario {
  const settings = integSettings();
  const app = integApp(outdir);
  const stack = integStack(app, 'MastodonIntegSeed', 'cdk-mastodon integration test: the seed setup');
  const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: settings.hostedZoneId,
    zoneName: settings.zoneName,
  });
  const machineImage = ec2.MachineImage.fromSsmParameter(FROM_SOURCE_AMI_PARAMETER);

  const mastodon = new MastodonSocial(stack, 'Mastodon', {
    domain: `integ-seed.${settings.zoneName}`,
    hostedZone,
    installMode: InstallMode.fromSource(),
    placement: HostPlacement.PUBLIC_SUBNETS_WITH_PUBLIC_IP,
    scheduler: { machineImage },
    webFleet: { machineImage },
    bastion: true,
    database: {
      media: { publicAccess: MediaPublicAccess.OBJECT_ACL, autoDeleteObjects: true },
      removalPolicy: RemovalPolicy.DESTROY,
    },
  });
  const integ = scenarioTest(app, 'Seed', stack, mastodon);
  return { app, stack, mastodon, integ };
}

if (require.main === module) buildSeedScenario().app.synth();
