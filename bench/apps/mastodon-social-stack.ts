/**
 * `MastodonSocial` in the benchmark's configurations. Until the construct is merged this file does
 * not type-check; the harness and the cost CLI detect that and skip it with a message.
 *
 * The `small` and `seed` props mirror the baseline's profiles (./baseline-stack.ts). Their prop
 * names beyond `domain`, `hostedZone`, `webFleet.maxCapacity` and `database.aurora.readers` are
 * provisional: align them with the README's "small" example once the construct exists.
 */
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { BenchOptions } from './options';
import { MastodonSocial } from '../../src';

type Props = ConstructorParameters<typeof MastodonSocial>[2];

export interface MastodonSocialBenchProps extends BenchOptions {
  readonly domain: string;
  readonly hostedZone: route53.IHostedZone;
}

function profileProps(profile: BenchOptions['profile']): Partial<Props> {
  switch (profile) {
    case 'default':
      return {};
    case 'small':
      return {
        network: { natGateways: 0 },
        webFleet: { minCapacity: 1, maxCapacity: 2 },
        database: { aurora: { minCapacity: 0.5, maxCapacity: 2 } },
        redis: { nodeType: 'cache.t4g.micro', replicas: 0 },
      } as Partial<Props>;
    case 'seed':
      return { network: { natGateways: 0 } } as Partial<Props>;
  }
}

export function buildMastodonSocial(scope: Construct, props: MastodonSocialBenchProps): MastodonSocial {
  const base = profileProps(props.profile) as Record<string, any>;
  const merged: Record<string, any> = { ...base, domain: props.domain, hostedZone: props.hostedZone };
  if (props.webMaxCapacity !== undefined) {
    merged.webFleet = { ...(base.webFleet ?? {}), maxCapacity: props.webMaxCapacity };
  }
  if (props.auroraReaders !== undefined) {
    merged.database = {
      ...(base.database ?? {}),
      aurora: { ...(base.database?.aurora ?? {}), readers: props.auroraReaders },
    };
  }
  return new MastodonSocial(scope, 'Social', merged as Props);
}
