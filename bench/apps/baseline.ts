/**
 * App 2, the baseline: the default Mastodon deployment written directly with aws-cdk-lib.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { buildBaselineMastodon } from './baseline-stack';
import { BENCH_DOMAIN, BENCH_ZONE, benchOptionsFromEnv } from './options';

const app = new App();
const stack = new Stack(app, 'Mastodon');
const zone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', BENCH_ZONE);
buildBaselineMastodon(stack, { domain: BENCH_DOMAIN, hostedZone: zone, ...benchOptionsFromEnv() });
app.synth();
