/*
 * The CDK adapter of the host layer: turns a host's shape and the deployment's settings into an
 * `ec2.CloudFormationInit` that the tier constructs apply to their Auto Scaling groups.
 *
 * Internal to the library (not exported from src/index.ts).
 */
import * as crypto from 'crypto';
import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { HostRole } from './host-role';
import { InstallMode } from './install-mode';
import {
  HostArtifactsProps,
  imagesOf,
  RenderedFile,
  renderHostArtifacts,
  resolveWatchdog,
  WatchdogSettings,
  WebProcessSettings,
} from './private/artifacts';
import {
  DeploymentConfig,
  ENV_NAME,
  envValueProblem,
  HOST_PATHS,
  HOST_TAGS,
  PER_PROCESS_VARIABLES,
} from './private/deployment-config';
import { UNIT_NAMES } from './private/units';
import { MastodonVersion } from '../mastodon/mastodon-version';
import { SidekiqQueue } from '../mastodon/sidekiq-queue';

export { HostRole, renderHostArtifacts };
export type { HostArtifactsProps, RenderedFile, WatchdogSettings, WebProcessSettings };

/** EC2 refuses user data over 16 KB (before base64). */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/**
 * The rendered files travel in the template's `AWS::CloudFormation::Init` metadata, not in user
 * data; this bound keeps them far below CloudFormation's 1 MB template limit.
 */
export const INIT_METADATA_BUDGET_BYTES = 256 * 1024;

/** A variable of `.env.production` whose value comes from Secrets Manager at boot. */
export interface HostSecret {
  /** The environment variable, e.g. `DB_PASS`. */
  readonly name: string;
  readonly secret: secretsmanager.ISecret;
  /** The field of a JSON secret, e.g. `password`. @default - the whole secret string */
  readonly jsonField?: string;
}

/** A variable of `.env.production` whose value comes from SSM Parameter Store at boot. */
export interface HostParameter {
  readonly name: string;
  /** A String or SecureString parameter (read with decryption). */
  readonly parameterName: string;
}

/** What a tier construct tells the host layer. */
export interface HostBootstrapProps {
  readonly role: HostRole;
  readonly installMode: InstallMode;
  readonly mastodonVersion: MastodonVersion;
  /** The queues of this host's Sidekiq (web: every queue but `scheduler`; scheduler: all). */
  readonly sidekiqQueues: SidekiqQueue[];
  /** Sidekiq threads; its `DB_POOL` is set to the same number. */
  readonly sidekiqConcurrency: number;
  /** Puma and streaming settings; required for the web role. */
  readonly web?: WebProcessSettings;
  /** Non-secret variables of `.env.production` (may contain tokens, e.g. endpoints). */
  readonly environment: { [name: string]: string };
  /** Variables read from Secrets Manager at boot by the instance role; values never enter the template. */
  readonly secrets: HostSecret[];
  /** Variables read from SSM Parameter Store at boot. @default none */
  readonly parameters?: HostParameter[];
  /** Where the containers log (awslogs driver). */
  readonly logGroup: logs.ILogGroup;
  /** Identifies the deployment in the `cdk-mastodon:deployment` tag. */
  readonly deploymentId: string;
  /** @default - 4 failures, every 30 s, after 600 s of grace */
  readonly watchdog?: WatchdogSettings;
  /** @default 7200 */
  readonly postMigrationTimeoutSeconds?: number;
}

/** What the tier construct applies to its Auto Scaling group. */
export interface HostBootstrap {
  /** Apply with `autoScalingGroup.applyCloudFormationInit(init, { configSets })`. */
  readonly init: ec2.CloudFormationInit;
  /** The config sets to run, in order. */
  readonly configSets: string[];
  /**
   * Changes whenever something that should roll the hosts changes: version, environment (as
   * template expressions), secret references, queues, rendered files.
   */
  readonly fingerprint: string;
  /** Tags every host of the group must carry (propagate at launch). */
  readonly tags: { [key: string]: string };
  /** The files written besides deployment.json. */
  readonly artifacts: RenderedFile[];
  /** The systemd units the role enables. */
  readonly units: string[];
  /** Grants the instance role what the host scripts call at boot and at run time. */
  grantTo(grantable: iam.IGrantable): void;
}

const CONFIG_SET = 'mastodon';
/** How long a new host's processes have to become healthy before it signals failure. */
const BOOT_HEALTH_TIMEOUT_SECONDS = 900;
const DEPLOYMENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

function checkName(where: string, name: string, seen: Set<string>): void {
  if (Token.isUnresolved(name) || !ENV_NAME.test(name)) {
    throw new Error(
      `${where}: '${name}' is not a literal environment variable name ([A-Za-z_][A-Za-z0-9_]*)`,
    );
  }
  if (PER_PROCESS_VARIABLES.includes(name)) {
    throw new Error(
      `${where}: ${name} is set per process by the host layer (from sidekiqConcurrency, web settings and the install mode); remove it from the environment`,
    );
  }
  if (seen.has(name)) {
    throw new Error(
      `${where}: ${name} is given more than once (environment, secrets and parameters share one namespace)`,
    );
  }
  seen.add(name);
}

/** Builds the cfn-init configuration of one host role. */
export function buildHostBootstrap(scope: Construct, props: HostBootstrapProps): HostBootstrap {
  const where = `${scope.node.path}`;
  const { role, installMode, mastodonVersion } = props;
  if (!Token.isUnresolved(props.deploymentId) && !DEPLOYMENT_ID.test(props.deploymentId)) {
    throw new Error(
      `${where}: deploymentId '${props.deploymentId}' must be 1 to 64 letters, digits, '.', '_' or '-' (it is an EC2 tag value and an API filter)`,
    );
  }

  const seen = new Set<string>();
  const environment: { [name: string]: string } = {};
  for (const name of Object.keys(props.environment).sort()) {
    checkName(`${where} environment`, name, seen);
    const value = props.environment[name];
    if (!Token.isUnresolved(value)) {
      const problem = envValueProblem(value);
      if (problem) {
        throw new Error(
          `${where}: environment ${name} ${problem}, which systemd and docker env files cannot both carry; change the value`,
        );
      }
    }
    environment[name] = value;
  }
  for (const s of props.secrets) {
    checkName(`${where} secrets`, s.name, seen);
  }
  const parameters = props.parameters ?? [];
  for (const p of parameters) {
    checkName(`${where} parameters`, p.name, seen);
  }

  const artifactProps: HostArtifactsProps = {
    role,
    installMode,
    mastodonVersion,
    sidekiqQueues: props.sidekiqQueues,
    sidekiqConcurrency: props.sidekiqConcurrency,
    web: props.web,
    webDomain: props.environment.WEB_DOMAIN ?? props.environment.LOCAL_DOMAIN,
    watchdog: props.watchdog,
    postMigrationTimeoutSeconds: props.postMigrationTimeoutSeconds,
  };
  let artifacts: RenderedFile[];
  try {
    artifacts = renderHostArtifacts(artifactProps);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  const artifactBytes = artifacts.reduce((n, f) => n + Buffer.byteLength(f.content, 'utf8'), 0);
  if (artifactBytes > INIT_METADATA_BUDGET_BYTES) {
    throw new Error(
      `${where}: the host files add up to ${artifactBytes} bytes, more than the ${INIT_METADATA_BUDGET_BYTES} bytes budgeted for init metadata`,
    );
  }

  const watchdog = resolveWatchdog(props.watchdog);
  const deployment: DeploymentConfig = {
    deploymentId: props.deploymentId,
    role,
    region: Stack.of(scope).region,
    stackId: Stack.of(scope).stackId,
    mastodonVersion: mastodonVersion.version,
    imageTag: mastodonVersion.imageTag,
    environment,
    secrets: props.secrets.map((s) => ({
      name: s.name,
      secretArn: s.secret.secretArn,
      ...(s.jsonField !== undefined ? { jsonField: s.jsonField } : {}),
    })),
    parameters: parameters.map((p) => ({ name: p.name, parameterName: p.parameterName })),
    logGroupName: props.logGroup.logGroupName,
    watchdog,
  };

  const isWeb = role === HostRole.WEB;
  const containers = installMode.isContainers;
  const units = isWeb
    ? ['nginx.service', UNIT_NAMES.web, UNIT_NAMES.streaming, UNIT_NAMES.sidekiq]
    : [UNIT_NAMES.sidekiq, UNIT_NAMES.postMigrate];

  const init = ec2.CloudFormationInit.fromConfigSets({
    configSets: {
      [CONFIG_SET]: ['mastodonInstall', 'mastodonFiles', 'mastodonPrepare', 'mastodonStart', 'mastodonWatch'],
    },
    configs: {
      mastodonInstall: new ec2.InitConfig(installElements(isWeb, installMode)),
      mastodonFiles: new ec2.InitConfig([
        ...artifacts.map((f) =>
          ec2.InitFile.fromString(f.path, f.content, { mode: f.mode, owner: 'root', group: 'root' }),
        ),
        ec2.InitFile.fromObject(HOST_PATHS.deploymentConfig, deployment as unknown as Record<string, any>, {
          mode: '000600',
          owner: 'root',
          group: 'root',
        }),
        command('10-daemon-reload', 'systemctl daemon-reload'),
      ]),
      mastodonPrepare: new ec2.InitConfig(prepareElements(isWeb, containers, mastodonVersion)),
      mastodonStart: new ec2.InitConfig(
        units.map((u) =>
          ec2.InitService.enable(u.replace(/\.service$/, ''), {
            enabled: true,
            ensureRunning: true,
            serviceManager: ec2.ServiceManager.SYSTEMD,
          }),
        ),
      ),
      // cfn-init runs a config's commands before its services, so the wait for health comes in
      // the config after the one that starts the units; the host signals only when it passes.
      mastodonWatch: new ec2.InitConfig([
        command(
          '10-wait-until-healthy',
          `${HOST_PATHS.binDirectory}/mastodon-watchdog --until-healthy ${BOOT_HEALTH_TIMEOUT_SECONDS}`,
        ),
        ...(watchdog.enabled
          ? [command('20-watchdog-timer', `systemctl enable --now ${UNIT_NAMES.watchdogTimer}`)]
          : []),
      ]),
    },
  });

  const tags = {
    [HOST_TAGS.deployment]: props.deploymentId,
    [HOST_TAGS.role]: role,
    [HOST_TAGS.version]: mastodonVersion.version,
  };

  const resolvedDeployment = Stack.of(scope).resolve(deployment);
  const dynamicReference = /\{\{resolve:(secretsmanager|ssm-secure):/.exec(
    JSON.stringify(resolvedDeployment),
  );
  if (dynamicReference) {
    throw new Error(
      `${where}: the environment holds a ${dynamicReference[1]} dynamic reference, which would put the secret value into the instance metadata; pass the secret in secrets (or parameters) so the host reads it at boot`,
    );
  }
  const fingerprintInput = JSON.stringify({
    deployment: resolvedDeployment,
    artifacts,
    units,
  });
  const fingerprint = crypto.createHash('sha256').update(fingerprintInput).digest('hex').slice(0, 32);

  const secrets = props.secrets;
  const logGroup = props.logGroup;
  return {
    init,
    configSets: [CONFIG_SET],
    fingerprint,
    tags,
    artifacts,
    units,
    grantTo(grantable: iam.IGrantable): void {
      for (const s of secrets) {
        s.secret.grantRead(grantable);
      }
      const stack = Stack.of(scope);
      if (parameters.length > 0) {
        iam.Grant.addToPrincipal({
          grantee: grantable,
          actions: ['ssm:GetParameter'],
          resourceArns: parameters.map((p) =>
            stack.formatArn({
              service: 'ssm',
              resource: 'parameter',
              resourceName: p.parameterName.replace(/^\//, ''),
            }),
          ),
        });
      }
      logGroup.grantWrite(grantable);
      if (!installMode.isContainers) {
        // The CloudWatch agent looks up its streams before it writes.
        logGroup.grant(grantable, 'logs:DescribeLogStreams');
      }
      // The watchdog may only mark instances of its own deployment's groups unhealthy.
      grantable.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['autoscaling:SetInstanceHealth'],
          // Any group of this account and region (its name would be a dependency cycle), narrowed
          // to this deployment's groups by their tag.
          resources: [
            stack.formatArn({
              service: 'autoscaling',
              resource: 'autoScalingGroup',
              resourceName: '*:autoScalingGroupName/*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
          conditions: {
            StringEquals: { [`autoscaling:ResourceTag/${HOST_TAGS.deployment}`]: tags[HOST_TAGS.deployment] },
          },
        }),
      );
      if (!isWeb) {
        // The post-deployment migration waits on the web hosts' version tags (no resource-level permissions).
        grantable.grantPrincipal.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }),
        );
        // ... and on the stack update to complete.
        grantable.grantPrincipal.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }),
        );
      }
    },
  };
}

function command(key: string, shell: string): ec2.InitCommand {
  return ec2.InitCommand.shellCommand(shell, { key });
}

function installElements(isWeb: boolean, mode: InstallMode): ec2.InitElement[] {
  if (mode.isContainers) {
    // Amazon Linux 2023 ships the AWS CLI and curl; Docker, jq (and nginx) come from its repositories.
    const packages = ['docker', 'jq', ...(isWeb ? ['nginx', 'openssl'] : [])];
    return [
      command('10-packages', `dnf install -y ${packages.join(' ')}`),
      command('20-docker', 'systemctl enable --now docker'),
    ];
  }
  const tools = ['aws', 'jq', 'curl', 'systemd-run', ...(isWeb ? ['nginx', 'openssl'] : [])];
  const units = isWeb ? [UNIT_NAMES.web, UNIT_NAMES.streaming, UNIT_NAMES.sidekiq] : [UNIT_NAMES.sidekiq];
  return [
    command(
      '10-preflight',
      `for tool in ${tools.join(' ')}; do command -v "$tool" >/dev/null || { echo "the AMI lacks $tool" >&2; exit 1; }; done; ` +
        `test -x ${mode.rubyShimsDirectory}/bundle && test -d ${mode.liveDirectory} && systemctl cat ${units.join(' ')} >/dev/null`,
    ),
    // The guide's own site would compete for port 443 with a certificate this host does not have.
    ...(isWeb
      ? [
          command(
            '20-nginx-sites',
            'rm -f /etc/nginx/sites-enabled/mastodon /etc/nginx/sites-enabled/default',
          ),
        ]
      : []),
  ];
}

function prepareElements(isWeb: boolean, containers: boolean, version: MastodonVersion): ec2.InitElement[] {
  const bin = HOST_PATHS.binDirectory;
  const images = imagesOf(version);
  const elements: ec2.InitElement[] = [
    command('10-host-facts', `${bin}/mastodon-host-facts`),
    command('20-assemble-env', `${bin}/mastodon-assemble-env`),
    // Container logs go through docker's awslogs driver; from-source units log to files.
    ...(containers ? [] : [command('25-cloudwatch-agent', `${bin}/mastodon-cloudwatch-agent`)]),
  ];
  if (isWeb) {
    elements.push(
      command('30-self-signed-cert', `${bin}/mastodon-self-signed-cert`),
      command('35-nginx-test', 'nginx -t'),
    );
  }
  if (containers) {
    const pulls = isWeb ? [images.web, images.streaming] : [images.web];
    elements.push(command('40-pull-images', pulls.map((i) => `docker pull --quiet ${i}`).join(' && ')));
  }
  if (!isWeb) {
    // Before the host signals success, so the web fleet (which depends on it) rolls only afterwards.
    elements.push(command('50-migrate-pre', `${bin}/mastodon-migrate pre`));
  }
  return elements;
}

/**
 * Throws when user data would exceed EC2's 16 KB limit. Call it on the launch template's user
 * data after `applyCloudFormationInit`; the host layer itself adds only cfn-init's few lines.
 */
export function assertUserDataWithinLimit(scope: Construct, userData: ec2.UserData): void {
  const rendered = JSON.stringify(Stack.of(scope).resolve(userData.render()));
  const bytes = Buffer.byteLength(rendered, 'utf8');
  if (bytes > USER_DATA_LIMIT_BYTES) {
    throw new Error(
      `${scope.node.path}: user data is about ${bytes} bytes, over EC2's ${USER_DATA_LIMIT_BYTES}-byte limit; move files into CloudFormation init metadata`,
    );
  }
}
