/**
 * Scenario 1, the defaults: a new VPC, a hosted zone with a DNS-validated certificate and an
 * alias record, and container hosts in private subnets behind a NAT gateway.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MastodonSocial } from '../src';
import { scenarioTest } from './support/assertions';
import { integApp, integSettings, integStack } from './support/integ-app';

export interface Scenario {
  readonly app: App;
  readonly stack: Stack;
  readonly mastodon: MastodonSocial;
  readonly integ: IntegTest;
}

export function buildDefaultsScenario(outdir?: string): Scenario {
  const settings = integSettings();
  const app = integApp(outdir);
  const stack = integStack(app, 'MastodonIntegDefaults', 'cdk-mastodon integration test: defaults');
  const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: settings.hostedZoneId,
    zoneName: settings.zoneName,
  });
  const mastodon = new MastodonSocial(stack, 'Mastodon', {
    domain: `integ-defaults.${settings.zoneName}`,
    hostedZone,
    database: { removalPolicy: RemovalPolicy.DESTROY, media: { autoDeleteObjects: true } },
  });
  const integ = scenarioTest(app, 'Defaults', stack, mastodon);
  return { app, stack, mastodon, integ };
}

if (require.main === module) buildDefaultsScenario().app.synth();
