// Interim adapter: replaced by the full host layer (rendered units, nginx, scripts).
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { InstallMode } from './install-mode';
import { MastodonVersion } from '../mastodon/mastodon-version';
import { SidekiqQueue } from '../mastodon/sidekiq-queue';

export enum HostRole {
  WEB = 'web',
  SCHEDULER = 'scheduler',
}

export interface HostBootstrapProps {
  readonly role: HostRole;
  readonly installMode: InstallMode;
  readonly mastodonVersion: MastodonVersion;
  readonly sidekiqQueues: SidekiqQueue[];
  readonly sidekiqConcurrency: number;
  readonly web?: {
    readonly webConcurrency: number;
    readonly maxThreads: number;
    readonly streamingDbPool: number;
  };
  readonly environment: { [name: string]: string };
  readonly secrets: Array<{
    readonly name: string;
    readonly secret: secretsmanager.ISecret;
    readonly jsonField?: string;
  }>;
  readonly logGroup: logs.ILogGroup;
  readonly deploymentId: string;
}

export interface HostBootstrap {
  readonly init: ec2.CloudFormationInit;
  readonly configSets: string[];
  readonly fingerprint: string;
  readonly tags: { [key: string]: string };
}

export function buildHostBootstrap(_scope: Construct, props: HostBootstrapProps): HostBootstrap {
  const init = ec2.CloudFormationInit.fromConfigSets({
    configSets: { default: ['config'] },
    configs: {
      config: new ec2.InitConfig([
        ec2.InitFile.fromObject('/etc/mastodon/deployment.json', {
          deploymentId: props.deploymentId,
          role: props.role,
          environment: props.environment,
          secrets: props.secrets.map((s) => ({
            name: s.name,
            secretArn: s.secret.secretArn,
            jsonField: s.jsonField,
          })),
          logGroupName: props.logGroup.logGroupName,
        }),
      ]),
    },
  });
  return {
    init,
    configSets: ['default'],
    fingerprint: props.mastodonVersion.version,
    tags: {
      'cdk-mastodon:deployment': props.deploymentId,
      'cdk-mastodon:role': props.role,
      'cdk-mastodon:version': props.mastodonVersion.version,
    },
  };
}
