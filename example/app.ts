/**
 * The example app: deploys `MastodonSocial` for a placeholder domain. It needs no AWS account
 * or credentials (environment-agnostic stack, no lookups): `npx projen example` synthesizes it
 * into cdk.out/ and prints a summary of what the template contains.
 */
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MastodonSocial } from '../src';

export function buildExampleApp(outdir?: string): { app: App; stack: Stack; mastodon: MastodonSocial } {
  const app = new App({ outdir });
  const stack = new Stack(app, 'MastodonExample', {
    description: 'cdk-mastodon example: a complete Mastodon server for social.example.com',
  });
  // A placeholder zone: no lookup, so the app synthesizes anywhere. Replace it with yours.
  const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });
  const mastodon = new MastodonSocial(stack, 'Mastodon', {
    domain: 'social.example.com',
    hostedZone,
  });
  new CfnOutput(stack, 'LoadBalancerDnsName', { value: mastodon.edge.loadBalancer.loadBalancerDnsName });
  new CfnOutput(stack, 'MediaBucketName', { value: mastodon.database.mediaBucket.bucketName });
  return { app, stack, mastodon };
}
