/**
 * Scenario 2, bring your own: an existing VPC and an existing certificate (the zone only holds
 * the alias record), Redis with in-transit encryption and an AUTH token, and an Aurora reader.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MastodonSocial } from '../src';
import { Scenario } from './integ.defaults';
import { scenarioTest } from './support/assertions';
import { integApp, integSettings, integStack } from './support/integ-app';

export function buildByoVpcScenario(outdir?: string): Scenario {
  const settings = integSettings();
  const app = integApp(outdir);
  const stack = integStack(
    app,
    'MastodonIntegByoVpc',
    'cdk-mastodon integration test: existing VPC and certificate',
  );

  // "Your" VPC: public, private-with-egress and isolated subnets in two AZs, with flow logs.
  const vpc = new ec2.Vpc(stack, 'ExistingVpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
    flowLogs: { Rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
  });
  const certificate = acm.Certificate.fromCertificateArn(
    stack,
    'ExistingCertificate',
    settings.certificateArn,
  );
  const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: settings.hostedZoneId,
    zoneName: settings.zoneName,
  });

  const mastodon = new MastodonSocial(stack, 'Mastodon', {
    domain: `integ-byo.${settings.zoneName}`,
    vpc,
    certificate,
    hostedZone,
    database: {
      aurora: { readers: 1 },
      redis: { transitEncryption: true, authToken: true, replicas: 1 },
      removalPolicy: RemovalPolicy.DESTROY,
      media: { autoDeleteObjects: true },
    },
  });
  const integ = scenarioTest(app, 'ByoVpc', stack, mastodon);
  return { app, stack, mastodon, integ };
}

if (require.main === module) buildByoVpcScenario().app.synth();
