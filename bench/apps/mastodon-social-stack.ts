/**
 * `MastodonSocial` in the benchmark's configurations. Until the construct is merged into this
 * branch this file does not type-check; the harness and the cost CLI detect that and skip it with
 * a message.
 *
 * The `small` and `seed` profiles mirror the baseline's (./baseline-stack.ts). Prop names follow
 * the construct as committed on main (MastodonSocialProps, HostPlacement, MastodonDatabaseOptions).
 */
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { BenchOptions } from './options';
import { HostPlacement, MastodonSocial, MastodonSocialProps } from '../../src';

export interface MastodonSocialBenchProps extends BenchOptions {
  readonly domain: string;
  readonly hostedZone: route53.IHostedZone;
}

export function buildMastodonSocial(scope: Construct, props: MastodonSocialBenchProps): MastodonSocial {
  const { domain, hostedZone } = props;
  const readers = props.auroraReaders;
  const maxAcu = props.auroraMaxCapacity;
  // Only what the environment sets, so that the defaults stay the library's own.
  const aurora = {
    ...(readers !== undefined ? { readers } : {}),
    ...(maxAcu !== undefined ? { serverlessV2MaxCapacity: maxAcu } : {}),
  };
  const database = Object.keys(aurora).length > 0 ? { database: { aurora } } : {};
  switch (props.profile) {
    case 'default':
      // The defaults, unless the growth study sets the fleet size or the readers.
      return new MastodonSocial(scope, 'Social', {
        domain,
        hostedZone,
        ...(props.webMaxCapacity !== undefined ? { webFleet: { maxCapacity: props.webMaxCapacity } } : {}),
        ...database,
      });
    case 'small': {
      // What a hobby admin would choose: no NAT gateway (hosts get their own public address), two
      // web hosts scaling to three (the library refuses fewer than two, and a maximum not above
      // the minimum), a lower Aurora ceiling and a single small Redis node.
      const small: MastodonSocialProps = {
        domain,
        hostedZone,
        placement: HostPlacement.PUBLIC_SUBNETS_WITH_PUBLIC_IP,
        webFleet: { minCapacity: 2, maxCapacity: props.webMaxCapacity ?? 3 },
        database: {
          aurora: { serverlessV2MinCapacity: 0.5, serverlessV2MaxCapacity: 2, ...aurora },
          redis: { nodeType: 'cache.t4g.micro', replicas: 0 },
        },
      };
      return new MastodonSocial(scope, 'Social', small);
    }
    case 'seed':
      // The seed write-up: every host in a public subnet with its own address, no NAT gateway.
      return new MastodonSocial(scope, 'Social', {
        domain,
        hostedZone,
        placement: HostPlacement.PUBLIC_SUBNETS_WITH_PUBLIC_IP,
        ...(props.webMaxCapacity !== undefined ? { webFleet: { maxCapacity: props.webMaxCapacity } } : {}),
        ...database,
      });
  }
}
