/**
 * A Mastodon server on AWS, from TypeScript, with cdk-mastodon installed from npm: the same
 * deployment as example/app.ts.
 *
 *   npm install cdk-mastodon aws-cdk-lib constructs
 *   cdk synth --app "npx ts-node app.ts"     # or: node app.js (writes to $CDK_OUTDIR)
 *
 * `node app.js --invalid` asks for a one-host web fleet, which cdk-mastodon refuses.
 */
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MastodonSocial } from 'cdk-mastodon';

const app = new App();
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
  webFleet: process.argv.includes('--invalid') ? { minCapacity: 1 } : undefined,
});
new CfnOutput(stack, 'LoadBalancerDnsName', { value: mastodon.edge.loadBalancer.loadBalancerDnsName });
new CfnOutput(stack, 'MediaBucketName', { value: mastodon.database.mediaBucket.bucketName });
app.synth();
