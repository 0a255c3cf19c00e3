/**
 * App 3: `MastodonSocial` with defaults (or a profile / growth setting from the environment).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { buildMastodonSocial } from './mastodon-social-stack';
import { BENCH_DOMAIN, BENCH_ZONE, benchOptionsFromEnv } from './options';

const app = new App();
const stack = new Stack(app, 'Mastodon');
const zone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', BENCH_ZONE);
buildMastodonSocial(stack, { domain: BENCH_DOMAIN, hostedZone: zone, ...benchOptionsFromEnv() });
app.synth();
