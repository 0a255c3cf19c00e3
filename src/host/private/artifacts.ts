/*
 * Everything a host runs, as plain files: what cfn-init writes, what the tests check, and what a
 * CLI can print. No CDK objects and no tokens: the deployment-specific values travel in
 * /etc/mastodon/deployment.json instead.
 */
import { HOST_PATHS } from './deployment-config';
import { renderNginxConfig } from './nginx';
import {
  renderAssembleEnvScript,
  renderCloudWatchAgentScript,
  renderHostFactsScript,
  renderMigrateScript,
  renderSelfSignedCertScript,
  renderWatchdogScript,
  ScriptInstall,
} from './scripts';
import {
  RenderedFile,
  renderPostMigrateUnit,
  renderProcessUnits,
  renderWatchdogUnits,
  UNIT_NAMES,
  UnitOptions,
  WebProcessSettings,
} from './units';
import { MastodonVersion } from '../../mastodon/mastodon-version';
import { SCHEDULER_QUEUE } from '../../mastodon/private/queue-table';
import { SidekiqQueue } from '../../mastodon/sidekiq-queue';
import { HostRole } from '../host-role';
import { InstallMode } from '../install-mode';

export type { RenderedFile, WebProcessSettings };

/** Watchdog settings; every field has a default. */
export interface WatchdogSettings {
  /** @default true */
  readonly enabled?: boolean;
  /** @default 4 */
  readonly failureThreshold?: number;
  /** @default 30 */
  readonly intervalSeconds?: number;
  /** @default 600 (image pulls and Puma's boot take minutes on a small instance) */
  readonly graceSeconds?: number;
}

/** The inputs of `renderHostArtifacts`: the host's shape, without CDK objects or tokens. */
export interface HostArtifactsProps {
  readonly role: HostRole;
  readonly installMode: InstallMode;
  readonly mastodonVersion: MastodonVersion;
  /** The queues this host's Sidekiq serves, with weights. */
  readonly sidekiqQueues: ReadonlyArray<SidekiqQueue>;
  /** Sidekiq threads (`-c`); `DB_POOL` of the Sidekiq process is set to the same number. */
  readonly sidekiqConcurrency: number;
  /** Required for the web role. */
  readonly web?: WebProcessSettings;
  /**
   * The web domain, which nginx names as Host when it proxies the load balancer's `/robots.txt`
   * probe to Puma.
   *
   * @default - the request's Host
   */
  readonly webDomain?: string;
  /** @default - see WatchdogSettings */
  readonly watchdog?: WatchdogSettings;
  /**
   * How long the scheduler waits for the web fleet before it gives up on the post-deployment migrations.
   *
   * @default 7200
   */
  readonly postMigrationTimeoutSeconds?: number;
}

/** Watchdog settings with defaults applied. */
export interface ResolvedWatchdog {
  readonly enabled: boolean;
  readonly failureThreshold: number;
  readonly intervalSeconds: number;
  readonly graceSeconds: number;
}

export function resolveWatchdog(settings: WatchdogSettings = {}): ResolvedWatchdog {
  const resolved = {
    enabled: settings.enabled ?? true,
    failureThreshold: settings.failureThreshold ?? 4,
    intervalSeconds: settings.intervalSeconds ?? 30,
    graceSeconds: settings.graceSeconds ?? 600,
  };
  requireInteger('watchdog.failureThreshold', resolved.failureThreshold, 1, 100);
  requireInteger('watchdog.intervalSeconds', resolved.intervalSeconds, 5, 3600);
  requireInteger('watchdog.graceSeconds', resolved.graceSeconds, 0, 86400);
  return resolved;
}

function requireInteger(prop: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${prop} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

const QUEUE_NAME = /^[a-z][a-z0-9_]*$/;

/** Throws when the queues of a host break Mastodon's rules for its role. */
export function validateQueues(
  role: HostRole,
  version: MastodonVersion,
  queues: ReadonlyArray<SidekiqQueue>,
): void {
  const known = new Set(version.sidekiqQueueNames);
  const seen = new Set<string>();
  if (queues.length === 0) {
    throw new Error(`sidekiqQueues of a ${role} host is empty: give at least one queue`);
  }
  for (const q of queues) {
    if (!QUEUE_NAME.test(q.name) || !known.has(q.name)) {
      throw new Error(
        `sidekiqQueues has '${q.name}', which Mastodon ${version.version} does not have: use version.sidekiqQueues() (${[...known].join(', ')})`,
      );
    }
    if (seen.has(q.name)) {
      throw new Error(`sidekiqQueues lists '${q.name}' twice`);
    }
    seen.add(q.name);
    requireInteger(`the weight of queue '${q.name}'`, q.weight, 1, 100);
  }
  if (role === HostRole.WEB && seen.has(SCHEDULER_QUEUE)) {
    throw new Error(
      `sidekiqQueues of a web host includes '${SCHEDULER_QUEUE}': it must run in exactly one Sidekiq process (the scheduler host), or scheduled jobs run more than once; use version.sidekiqQueuesWithoutScheduler()`,
    );
  }
  if (role === HostRole.SCHEDULER && !seen.has(SCHEDULER_QUEUE)) {
    throw new Error(
      `sidekiqQueues of the scheduler host lacks '${SCHEDULER_QUEUE}': no host would run scheduled jobs; use version.sidekiqQueues()`,
    );
  }
}

function scriptInstall(mode: InstallMode, webImage: string): ScriptInstall {
  return mode.isContainers
    ? { kind: 'containers', webImage }
    : {
        kind: 'from-source',
        liveDirectory: mode.liveDirectory,
        user: mode.user,
        rubyShimsDirectory: mode.rubyShimsDirectory,
      };
}

/** The official images of a version. */
export function imagesOf(version: MastodonVersion): { web: string; streaming: string } {
  return {
    web: `ghcr.io/mastodon/mastodon:${version.imageTag}`,
    streaming: `ghcr.io/mastodon/mastodon-streaming:${version.imageTag}`,
  };
}

function script(name: string, content: string): RenderedFile {
  return { path: `${HOST_PATHS.binDirectory}/${name}`, content, mode: '000755' };
}

/**
 * Every file a host of the given shape runs: scripts, systemd units or drop-ins, nginx config.
 * The deployment's values (domain, endpoints, secret ARNs) are not among them: they are in
 * /etc/mastodon/deployment.json, which the CDK adapter writes next to these files.
 */
export function renderHostArtifacts(props: HostArtifactsProps): RenderedFile[] {
  const { role, installMode, mastodonVersion } = props;
  validateQueues(role, mastodonVersion, props.sidekiqQueues);
  requireInteger('sidekiqConcurrency', props.sidekiqConcurrency, 1, 200);
  if (role === HostRole.WEB) {
    if (!props.web) {
      throw new Error('a web host needs web settings: webConcurrency, maxThreads and streamingDbPool');
    }
    requireInteger('web.webConcurrency', props.web.webConcurrency, 1, 64);
    requireInteger('web.maxThreads', props.web.maxThreads, 1, 64);
    requireInteger('web.streamingDbPool', props.web.streamingDbPool, 1, 200);
  }
  const watchdog = resolveWatchdog(props.watchdog);
  const postMigrationTimeoutSeconds = props.postMigrationTimeoutSeconds ?? 7200;
  requireInteger('postMigrationTimeoutSeconds', postMigrationTimeoutSeconds, 60, 86400);

  const images = imagesOf(mastodonVersion);
  const install = scriptInstall(installMode, images.web);
  const unitOptions: UnitOptions = {
    role,
    kind: install.kind,
    webImage: images.web,
    streamingImage: images.streaming,
    sidekiqQueues: props.sidekiqQueues,
    sidekiqConcurrency: props.sidekiqConcurrency,
    web: role === HostRole.WEB ? props.web : undefined,
    liveDirectory: installMode.liveDirectory,
    user: installMode.user,
    rubyShimsDirectory: installMode.rubyShimsDirectory,
    watchdog,
  };

  const files: RenderedFile[] = [
    script('mastodon-host-facts', renderHostFactsScript()),
    script('mastodon-assemble-env', renderAssembleEnvScript()),
    script('mastodon-watchdog', renderWatchdogScript(role, install)),
  ];
  if (role === HostRole.WEB) {
    files.push(script('mastodon-self-signed-cert', renderSelfSignedCertScript()));
    files.push({
      path: HOST_PATHS.nginxConfig,
      content: renderNginxConfig({
        kind: install.kind,
        liveDirectory: installMode.liveDirectory,
        webDomain: props.webDomain,
      }),
      mode: '000644',
    });
  } else {
    files.push(
      script(
        'mastodon-migrate',
        renderMigrateScript(install, { timeoutSeconds: postMigrationTimeoutSeconds, pollSeconds: 30 }),
      ),
    );
    files.push(renderPostMigrateUnit(unitOptions));
  }
  if (install.kind === 'from-source') {
    const shipped =
      role === HostRole.WEB
        ? [UNIT_NAMES.web, UNIT_NAMES.streaming, UNIT_NAMES.sidekiq]
        : [UNIT_NAMES.sidekiq];
    files.push(script('mastodon-cloudwatch-agent', renderCloudWatchAgentScript(shipped)));
  }
  files.push(...renderProcessUnits(unitOptions));
  files.push(...renderWatchdogUnits(unitOptions));
  return files;
}
