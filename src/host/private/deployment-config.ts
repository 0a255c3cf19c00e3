/**
 * The contract between the CDK app and the scripts on a host.
 *
 * cfn-init writes `/etc/mastodon/deployment.json` from the stack's metadata, so the values below
 * may be CDK tokens at synth time; the scripts only ever read the resolved file. Only secret ARNs
 * and parameter names travel this way, never secret values.
 */

/** A variable of `.env.production` whose value the host reads from Secrets Manager at boot. */
export interface DeploymentSecret {
  /** The environment variable, e.g. `DB_PASS`. */
  readonly name: string;
  /** The ARN of the secret. */
  readonly secretArn: string;
  /** The field to extract when the secret is a JSON object (e.g. `password`); whole string if absent. */
  readonly jsonField?: string;
}

/** A variable of `.env.production` whose value the host reads from SSM Parameter Store at boot. */
export interface DeploymentParameter {
  /** The environment variable. */
  readonly name: string;
  /** The parameter name (String or SecureString; read with decryption). */
  readonly parameterName: string;
}

/** How the host watchdog decides that the host must be replaced. */
export interface WatchdogConfig {
  /** Whether the watchdog timer runs at all. */
  readonly enabled: boolean;
  /** Consecutive failed checks after which the host reports itself unhealthy. */
  readonly failureThreshold: number;
  /** Seconds between checks. */
  readonly intervalSeconds: number;
  /** Seconds after boot (and after the timer starts) during which nothing is reported. */
  readonly graceSeconds: number;
}

/** The schema of `/etc/mastodon/deployment.json`. */
export interface DeploymentConfig {
  /** Identifies the deployment in the hosts' `cdk-mastodon:deployment` tag. */
  readonly deploymentId: string;
  /** `web` or `scheduler`. */
  readonly role: string;
  /** The AWS region the host runs in. */
  readonly region: string;
  /**
   * The CloudFormation stack of the deployment: the post-deployment migrations wait until its
   * update has completed, so a rollback never meets a schema they already changed.
   */
  readonly stackId: string;
  /** The exact Mastodon release, e.g. `4.5.11`. */
  readonly mastodonVersion: string;
  /** The tag of the official images, e.g. `v4.5.11`. */
  readonly imageTag: string;
  /** Non-secret variables of `.env.production`, verbatim. */
  readonly environment: { [name: string]: string };
  /** Variables read from Secrets Manager. */
  readonly secrets: DeploymentSecret[];
  /** Variables read from SSM Parameter Store. */
  readonly parameters: DeploymentParameter[];
  /** The CloudWatch Logs group the processes log to. */
  readonly logGroupName: string;
  /** The host watchdog. */
  readonly watchdog: WatchdogConfig;
}

/** Where things live on a host. One place, used by every renderer. */
export const HOST_PATHS = {
  /** Written by cfn-init. */
  deploymentConfig: '/etc/mastodon/deployment.json',
  /** Written by `mastodon-assemble-env` (mode 0600): read by docker --env-file and systemd EnvironmentFile=. */
  envFile: '/etc/mastodon/env.production',
  /** Written by `mastodon-host-facts`: region, log group and instance id for the units. */
  hostEnvFile: '/etc/mastodon/host.env',
  tlsCertificate: '/etc/mastodon/tls/selfsigned.crt',
  tlsKey: '/etc/mastodon/tls/selfsigned.key',
  nginxConfig: '/etc/nginx/conf.d/mastodon.conf',
  binDirectory: '/usr/local/sbin',
  systemdDirectory: '/etc/systemd/system',
  /** Persistent state (post-deployment migration markers). */
  stateDirectory: '/var/lib/cdk-mastodon',
  /** Volatile state (watchdog failure counter). */
  runtimeDirectory: '/run/cdk-mastodon',
} as const;

/** The tags every host carries; the post-deployment migration waits on them. */
export const HOST_TAGS = {
  deployment: 'cdk-mastodon:deployment',
  role: 'cdk-mastodon:role',
  version: 'cdk-mastodon:version',
} as const;

/** The Sidekiq readiness file the official image enables (`MASTODON_SIDEKIQ_READY_FILENAME`, 4.3+). */
export const SIDEKIQ_READY_FILE_IN_IMAGE =
  '/opt/mastodon/tmp/sidekiq_process_has_started_and_will_begin_processing_jobs';

/**
 * Variables that are set per process by the units and must therefore not be in `.env.production`
 * (systemd lets `EnvironmentFile=` override `Environment=`, docker lets `--env` override
 * `--env-file`; refusing them keeps one source of truth).
 */
export const PER_PROCESS_VARIABLES: ReadonlyArray<string> = [
  'DB_POOL',
  'PORT',
  'BIND',
  'WEB_CONCURRENCY',
  'MAX_THREADS',
  'RAILS_ENV',
  'NODE_ENV',
  'RAILS_SERVE_STATIC_FILES',
  'DB_SSLMODE',
];

/** Environment variable names the env file accepts. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The value rules of the env file (see mastodon-assemble-env); literal values are checked at synth. */
export function envValueProblem(value: string): string | undefined {
  if (/[\n\r\0]/.test(value)) return 'contains a line break or NUL';
  if (value.includes('\\')) return 'contains a backslash';
  if (/^[\s"']/.test(value)) return 'starts with whitespace or a quote';
  if (/\s$/.test(value)) return 'ends with whitespace';
  return undefined;
}
