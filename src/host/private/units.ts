/*
 * systemd units of a host. Pure render functions: plain strings in, plain strings out.
 *
 * Containers: full units that run `docker run` in the foreground (systemd restarts them), with
 * `--env-file` for the deployment's environment, ports published on 127.0.0.1 only, and logs
 * sent to CloudWatch Logs by docker's `awslogs` driver (stream `<instance-id>/<unit>`).
 *
 * From source: drop-ins for the units of Mastodon's `dist/` folder that the AMI installed, so the
 * upstream sandboxing stays; they add the environment file, the per-process settings and (for
 * Sidekiq) the role's queues. Logs stay in the journal of the host.
 */
import { HOST_PATHS, HOST_TAGS } from './deployment-config';
import { FROM_SOURCE_LOG_DIRECTORY } from './scripts';
import { sidekiqQueueFlags } from '../../mastodon/private/queue-table';
import { SidekiqQueue } from '../../mastodon/sidekiq-queue';
import { HostRole } from '../host-role';

/** A rendered file. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  /** Octal file mode, e.g. `000644`. */
  readonly mode: string;
}

/** Settings of the web processes of a web host. */
export interface WebProcessSettings {
  /** Puma worker processes. */
  readonly webConcurrency: number;
  /** Puma threads per worker (each needs one database connection). */
  readonly maxThreads: number;
  /** Database connections of the streaming server. */
  readonly streamingDbPool: number;
}

/** What the unit renderer needs; plain, validated values only. */
export interface UnitOptions {
  readonly role: HostRole;
  readonly kind: 'containers' | 'from-source';
  readonly webImage: string;
  readonly streamingImage: string;
  readonly sidekiqQueues: ReadonlyArray<SidekiqQueue>;
  readonly sidekiqConcurrency: number;
  readonly web?: WebProcessSettings;
  readonly liveDirectory?: string;
  readonly user?: string;
  readonly rubyShimsDirectory?: string;
  readonly watchdog: {
    readonly enabled: boolean;
    readonly intervalSeconds: number;
    readonly graceSeconds: number;
  };
}

export const UNIT_NAMES = {
  web: 'mastodon-web.service',
  streaming: 'mastodon-streaming.service',
  sidekiq: 'mastodon-sidekiq.service',
  postMigrate: 'mastodon-post-migrate.service',
  watchdog: 'mastodon-watchdog.service',
  watchdogTimer: 'mastodon-watchdog.timer',
} as const;

const DOCKER = '/usr/bin/docker';
const MANAGED =
  '# Managed by cdk-mastodon (written by cfn-init); local edits are lost when the host is replaced.';
const DROP_IN = '50-cdk-mastodon.conf';

/** The Sidekiq command line of a role: `-c` and weighted `-q` flags. */
export function sidekiqArguments(options: UnitOptions): string {
  return `-c ${options.sidekiqConcurrency} ${sidekiqQueueFlags(options.sidekiqQueues)}`;
}

interface ContainerSpec {
  readonly unit: string;
  readonly container: string;
  readonly description: string;
  readonly image: string;
  readonly env: ReadonlyArray<string>;
  readonly port?: number;
  readonly command: string;
  readonly stopSeconds: number;
}

function containerUnit(spec: ContainerSpec): string {
  const args = [
    `${DOCKER} run --rm --name ${spec.container}`,
    `--env-file ${HOST_PATHS.envFile}`,
    ...spec.env.map((e) => `--env ${e}`),
    ...(spec.port ? [`--publish 127.0.0.1:${spec.port}:${spec.port}`] : []),
    '--log-driver awslogs --log-opt awslogs-region=${AWS_REGION}',
    `--log-opt awslogs-group=\${MASTODON_LOG_GROUP} --log-opt awslogs-stream=\${INSTANCE_ID}/${spec.container}`,
    `${spec.image} ${spec.command}`,
  ];
  return `${MANAGED}
[Unit]
Description=${spec.description}
Documentation=https://docs.joinmastodon.org/admin/
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target

[Service]
Type=exec
EnvironmentFile=${HOST_PATHS.hostEnvFile}
ExecStartPre=-${DOCKER} rm --force ${spec.container}
ExecStart=${args.join(' \\\n  ')}
ExecStop=${DOCKER} stop --time ${spec.stopSeconds} ${spec.container}
Restart=always
RestartSec=5
TimeoutStartSec=15min
TimeoutStopSec=${spec.stopSeconds + 15}

[Install]
WantedBy=multi-user.target
`;
}

function dropIn(unit: string, lines: string[]): RenderedFile {
  return {
    path: `${HOST_PATHS.systemdDirectory}/${unit}.d/${DROP_IN}`,
    content: `${MANAGED}\n[Service]\nEnvironmentFile=${HOST_PATHS.envFile}\n${lines.join('\n')}\nRestart=always\n`,
    mode: '000644',
  };
}

function unitFile(name: string, content: string): RenderedFile {
  return { path: `${HOST_PATHS.systemdDirectory}/${name}`, content, mode: '000644' };
}

function requireWeb(options: UnitOptions): WebProcessSettings {
  if (!options.web) {
    throw new Error('a web host needs its web settings (webConcurrency, maxThreads, streamingDbPool)');
  }
  return options.web;
}

/** The Mastodon process units (or drop-ins) of a role. */
export function renderProcessUnits(options: UnitOptions): RenderedFile[] {
  const files: RenderedFile[] = [];
  const sidekiq = sidekiqArguments(options);
  const isWeb = options.role === HostRole.WEB;
  if (options.kind === 'containers') {
    if (isWeb) {
      const web = requireWeb(options);
      files.push(
        unitFile(
          UNIT_NAMES.web,
          containerUnit({
            unit: UNIT_NAMES.web,
            container: 'mastodon-web',
            description: 'Mastodon web (Puma) in a container',
            image: options.webImage,
            env: [
              'PORT=3000',
              'BIND=0.0.0.0',
              'RAILS_ENV=production',
              'RAILS_SERVE_STATIC_FILES=true',
              `WEB_CONCURRENCY=${web.webConcurrency}`,
              `MAX_THREADS=${web.maxThreads}`,
              `DB_POOL=${web.maxThreads}`,
              'DB_SSLMODE=require',
            ],
            port: 3000,
            command: 'bundle exec puma -C config/puma.rb',
            stopSeconds: 30,
          }),
        ),
        unitFile(
          UNIT_NAMES.streaming,
          containerUnit({
            unit: UNIT_NAMES.streaming,
            container: 'mastodon-streaming',
            description: 'Mastodon streaming API in a container',
            image: options.streamingImage,
            // node-postgres verifies the server certificate for any mode but no-verify, and the RDS
            // CA is not in Node's store; no-verify encrypts without verifying, like libpq's require.
            env: [
              'PORT=4000',
              'BIND=0.0.0.0',
              'NODE_ENV=production',
              `DB_POOL=${web.streamingDbPool}`,
              'DB_SSLMODE=no-verify',
            ],
            port: 4000,
            command: 'node ./streaming/index.js',
            stopSeconds: 15,
          }),
        ),
      );
    }
    files.push(
      unitFile(
        UNIT_NAMES.sidekiq,
        containerUnit({
          unit: UNIT_NAMES.sidekiq,
          container: 'mastodon-sidekiq',
          description: `Mastodon Sidekiq (${options.role} host) in a container`,
          image: options.webImage,
          env: ['RAILS_ENV=production', `DB_POOL=${options.sidekiqConcurrency}`, 'DB_SSLMODE=require'],
          command: `bundle exec sidekiq ${sidekiq}`,
          // Sidekiq waits up to 25 s for running jobs before it pushes them back to Redis.
          stopSeconds: 30,
        }),
      ),
    );
    return files;
  }

  if (isWeb) {
    const web = requireWeb(options);
    files.push(
      dropIn(UNIT_NAMES.web, [
        ...logToFile(UNIT_NAMES.web),
        'Environment=RAILS_ENV=production',
        // nginx serves public/ from disk, but /robots.txt goes to Puma (it proves Puma to the load
        // balancer), and Rails only answers it when it serves static files.
        'Environment=RAILS_SERVE_STATIC_FILES=true',
        'Environment=PORT=3000',
        'Environment=BIND=127.0.0.1',
        `Environment=WEB_CONCURRENCY=${web.webConcurrency}`,
        `Environment=MAX_THREADS=${web.maxThreads}`,
        `Environment=DB_POOL=${web.maxThreads}`,
        'Environment=DB_SSLMODE=require',
      ]),
      dropIn(UNIT_NAMES.streaming, [
        ...logToFile(UNIT_NAMES.streaming),
        'Environment=NODE_ENV=production',
        'Environment=PORT=4000',
        'Environment=BIND=127.0.0.1',
        `Environment=DB_POOL=${web.streamingDbPool}`,
        'Environment=DB_SSLMODE=no-verify',
      ]),
    );
  }
  files.push(
    dropIn(UNIT_NAMES.sidekiq, [
      ...logToFile(UNIT_NAMES.sidekiq),
      'Environment=RAILS_ENV=production',
      `Environment=DB_POOL=${options.sidekiqConcurrency}`,
      'Environment=DB_SSLMODE=require',
      'Environment=MALLOC_ARENA_MAX=2',
      'ExecStart=',
      `ExecStart=${options.rubyShimsDirectory}/bundle exec sidekiq ${sidekiq}`,
    ]),
  );
  return files;
}

/** From-source units write their output to a file the CloudWatch agent ships. */
function logToFile(unit: string): string[] {
  const name = unit.replace(/\.service$/, '');
  return [
    'LogsDirectory=mastodon',
    `StandardOutput=append:${FROM_SOURCE_LOG_DIRECTORY}/${name}.log`,
    'StandardError=inherit',
  ];
}

/** The scheduler's post-deployment migration service. */
export function renderPostMigrateUnit(options: UnitOptions): RenderedFile {
  const docker = options.kind === 'containers' ? 'Requires=docker.service\nAfter=docker.service\n' : '';
  return unitFile(
    UNIT_NAMES.postMigrate,
    `${MANAGED}
[Unit]
Description=Mastodon post-deployment migrations, once every web host runs this version
Documentation=https://docs.joinmastodon.org/admin/upgrading/
${docker}After=network-online.target ${UNIT_NAMES.sidekiq}
Wants=network-online.target
StartLimitIntervalSec=0

[Service]
Type=exec
ExecStart=${HOST_PATHS.binDirectory}/mastodon-migrate post
# Waits for the web fleet (tags ${HOST_TAGS.role}, ${HOST_TAGS.version}); exit 75 = gave up waiting.
Restart=on-failure
RestartSec=5min
RestartPreventExitStatus=75
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
`,
  );
}

/** The watchdog service and its timer. */
export function renderWatchdogUnits(options: UnitOptions): RenderedFile[] {
  return [
    unitFile(
      UNIT_NAMES.watchdog,
      `${MANAGED}
[Unit]
Description=Mastodon host watchdog: reports the host unhealthy to its Auto Scaling group after repeated failures
After=network-online.target

[Service]
Type=oneshot
ExecStart=${HOST_PATHS.binDirectory}/mastodon-watchdog
TimeoutStartSec=60
`,
    ),
    unitFile(
      UNIT_NAMES.watchdogTimer,
      `${MANAGED}
[Unit]
Description=Run the Mastodon host watchdog every ${options.watchdog.intervalSeconds} s after a ${options.watchdog.graceSeconds} s grace period

[Timer]
OnActiveSec=${options.watchdog.graceSeconds}s
OnUnitActiveSec=${options.watchdog.intervalSeconds}s
AccuracySec=1s

[Install]
WantedBy=timers.target
`,
    ),
  ];
}
