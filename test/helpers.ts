import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MastodonDatabase, MastodonDatabaseProps } from '../src';

/** A stack with a VPC like the one MastodonSocial creates (public, private with NAT, isolated). */
export function newStack(id = 'Test'): { app: App; stack: Stack; vpc: ec2.Vpc } {
  const app = new App();
  const stack = new Stack(app, id);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Hosts', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return { app, stack, vpc };
}

export function newDatabase(
  stack: Stack,
  vpc: ec2.IVpc,
  props: Partial<MastodonDatabaseProps> = {},
  id = 'Database',
): MastodonDatabase {
  return new MastodonDatabase(stack, id, { vpc, domain: 'social.example.com', ...props });
}

export function exampleZone(stack: Stack): route53.IHostedZone {
  return route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });
}

/** The `/etc/mastodon/deployment.json` cfn-init writes on the hosts of the group whose logical ID contains `groupIdPart`. */
export function deploymentJson(stack: Stack, groupIdPart: string): any {
  const resources = Template.fromStack(stack).findResources('AWS::AutoScaling::AutoScalingGroup');
  const entry = Object.entries(resources).find(([id]) => id.includes(groupIdPart));
  if (!entry) throw new Error(`no Auto Scaling Group with '${groupIdPart}' in its logical ID`);
  const init = entry[1].Metadata['AWS::CloudFormation::Init'];
  for (const config of Object.values<any>(init)) {
    const file = config.files?.['/etc/mastodon/deployment.json'];
    if (file) return file.content;
  }
  throw new Error('no deployment.json in the init metadata');
}
