/*
 * Shell scripts that run on the hosts. Pure render functions: plain strings in, plain strings
 * out, no CDK tokens. Everything deployment-specific is read at run time from
 * /etc/mastodon/deployment.json (written by cfn-init), so the same script text serves every
 * deployment and can be shellchecked and executed in tests.
 *
 * Every path a script touches can be overridden through an environment variable (MASTODON_*),
 * which is what the tests use; on a host the defaults apply.
 */
import { HOST_PATHS, HOST_TAGS, SIDEKIQ_READY_FILE_IN_IMAGE } from './deployment-config';
import { HostRole } from '../host-role';

/** What the scripts need to know about the installation; all values are plain, validated strings. */
export interface ScriptInstall {
  /** `containers` or `from-source`. */
  readonly kind: 'containers' | 'from-source';
  /** `ghcr.io/mastodon/mastodon:<tag>` (containers). */
  readonly webImage?: string;
  /** The from-source checkout, user and rbenv shims. */
  readonly liveDirectory?: string;
  readonly user?: string;
  readonly rubyShimsDirectory?: string;
}

const HEADER = (name: string, purpose: string) => `#!/bin/bash
# ${name}: ${purpose}
# Managed by cdk-mastodon (written by cfn-init); local edits are lost when the host is replaced.
set -euo pipefail
`;

/** Reads the instance id from IMDSv2 (a session token first, then the metadata). */
const IMDS_FUNCTION = `imds=\${MASTODON_IMDS_ENDPOINT:-http://169.254.169.254}
instance_id() {
  local token
  token=$(curl -fsS --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$imds/latest/api/token") || return 1
  curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/instance-id"
}
`;

const CONFIG_VARIABLE = `config=\${MASTODON_DEPLOYMENT_CONFIG:-${HOST_PATHS.deploymentConfig}}`;

/**
 * `mastodon-assemble-env`: writes `.env.production` from deployment.json, reading secret values
 * from Secrets Manager and SSM Parameter Store with the instance role.
 *
 * The file format is the common subset of systemd's `EnvironmentFile=` and docker's `--env-file`:
 * one `NAME=value` line per variable, the value unquoted and verbatim. Both read such a line the
 * same way as long as the value has no line break, NUL or backslash, does not start with
 * whitespace or a quote and does not end with whitespace; every other character (spaces, `#`,
 * `$`, quotes inside the value, `=`) round-trips. Values outside that subset are refused and the
 * script fails, because there is no spelling that both readers would decode to the same value.
 */
export function renderAssembleEnvScript(): string {
  return `${HEADER('mastodon-assemble-env', 'writes the Mastodon environment file from deployment.json and Secrets Manager.')}#
# Format, read identically by systemd EnvironmentFile= and docker --env-file: one NAME=value line
# per variable, the value unquoted and verbatim. Values may contain spaces, quotes, '#', '$' and
# '='; values with a line break, a backslash, leading whitespace or quote, or trailing whitespace
# are refused (the two readers would decode them differently).
umask 077

${CONFIG_VARIABLE}
env_file=\${MASTODON_ENV_FILE:-${HOST_PATHS.envFile}}

die() {
  echo "mastodon-assemble-env: $*" >&2
  exit 1
}

[[ -r $config ]] || die "cannot read $config"
region=$(jq -er '.region | strings' "$config") || die "$config has no region"

tmp=$(mktemp "$env_file.XXXXXX")
trap 'rm -f "$tmp"' EXIT
declare -A seen=()

emit() {
  local name=$1 value=$2
  [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "invalid variable name '$name'"
  [[ -z \${seen[$name]:-} ]] || die "$name is defined more than once"
  seen[$name]=1
  case $value in
  *$'\\n'* | *$'\\r'*) die "$name: the value contains a line break" ;;
  *\\\\*) die "$name: the value contains a backslash" ;;
  [[:space:]\\"\\']*) die "$name: the value starts with whitespace or a quote" ;;
  *[[:space:]]) die "$name: the value ends with whitespace" ;;
  esac
  printf '%s=%s\\n' "$name" "$value" >>"$tmp"
}

# Non-secret variables, verbatim, sorted by name. A value is read with a trailing sentinel so that
# command substitution cannot strip trailing newlines unnoticed.
list=$(jq -r '.environment // {} | keys[]' "$config") || die "cannot read environment from $config"
names=()
[[ -z $list ]] || mapfile -t names <<<"$list"
for name in "\${names[@]}"; do
  value=$(jq -ej --arg n "$name" '.environment[$n] | if type == "string" and (test("\\u0000") | not) then . else error("not a string") end' "$config" && printf x) ||
    die "environment.$name is not a string"
  emit "$name" "\${value%x}"
done

# Secrets Manager: the whole SecretString, or one field of a JSON secret.
count=$(jq -er '.secrets // [] | length' "$config") || die "cannot read secrets from $config"
for ((i = 0; i < count; i++)); do
  name=$(jq -er --argjson i "$i" '.secrets[$i].name | strings' "$config") || die "secrets[$i] has no name"
  arn=$(jq -er --argjson i "$i" '.secrets[$i].secretArn | strings' "$config") || die "$name has no secretArn"
  field=$(jq -r --argjson i "$i" '.secrets[$i].jsonField // empty' "$config")
  secret=$(aws secretsmanager get-secret-value --region "$region" --secret-id "$arn" --query SecretString --output text) ||
    die "$name: cannot read secret $arn"
  if [[ -n $field ]]; then
    value=$(jq -ej --arg f "$field" '.[$f] | if type == "string" then . elif type == "number" then tostring else error("missing") end' <<<"$secret" && printf x) ||
      die "$name: secret $arn has no string field '$field'"
    value=\${value%x}
  else
    value=$secret
  fi
  emit "$name" "$value"
done

# SSM Parameter Store (String or SecureString).
count=$(jq -er '.parameters // [] | length' "$config") || die "cannot read parameters from $config"
for ((i = 0; i < count; i++)); do
  name=$(jq -er --argjson i "$i" '.parameters[$i].name | strings' "$config") || die "parameters[$i] has no name"
  parameter=$(jq -er --argjson i "$i" '.parameters[$i].parameterName | strings' "$config") || die "$name has no parameterName"
  value=$(aws ssm get-parameter --region "$region" --name "$parameter" --with-decryption --query Parameter.Value --output text) ||
    die "$name: cannot read parameter $parameter"
  emit "$name" "$value"
done

chmod 600 "$tmp"
mv -f "$tmp" "$env_file"
trap - EXIT
echo "mastodon-assemble-env: wrote \${#seen[@]} variables to $env_file"
`;
}

/**
 * `mastodon-host-facts`: writes the small, non-secret `host.env` the units read with
 * `EnvironmentFile=` (region, log group, instance id for the log stream names).
 */
export function renderHostFactsScript(): string {
  return `${HEADER('mastodon-host-facts', 'writes region, log group and instance id for the systemd units.')}umask 022

${CONFIG_VARIABLE}
out=\${MASTODON_HOST_ENV:-${HOST_PATHS.hostEnvFile}}
${IMDS_FUNCTION}
die() {
  echo "mastodon-host-facts: $*" >&2
  exit 1
}

id=$(instance_id) || die "cannot read the instance id from IMDSv2"
region=$(jq -er '.region | strings' "$config") || die "$config has no region"
log_group=$(jq -er '.logGroupName | strings' "$config") || die "$config has no logGroupName"
for value in "$id" "$region" "$log_group"; do
  [[ $value =~ ^[A-Za-z0-9._/#-]+$ ]] || die "unexpected characters in '$value'"
done

tmp=$(mktemp "$out.XXXXXX")
printf 'AWS_REGION=%s\\nINSTANCE_ID=%s\\nMASTODON_LOG_GROUP=%s\\n' "$region" "$id" "$log_group" >"$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$out"
`;
}

/** `mastodon-self-signed-cert`: the certificate nginx presents to the load balancer. Idempotent. */
export function renderSelfSignedCertScript(): string {
  return `${HEADER('mastodon-self-signed-cert', 'creates the self-signed certificate between the load balancer and nginx.')}# The load balancer ends public TLS and does not validate the certificate of its targets; this one
# only encrypts the hop inside the VPC. Kept while it is valid for 30 more days.
crt=\${MASTODON_TLS_CERT:-${HOST_PATHS.tlsCertificate}}
key=\${MASTODON_TLS_KEY:-${HOST_PATHS.tlsKey}}

if [[ -s $crt && -s $key ]] && openssl x509 -in "$crt" -noout -checkend 2592000 >/dev/null 2>&1; then
  echo "mastodon-self-signed-cert: keeping $crt"
  exit 0
fi

umask 077
mkdir -p "$(dirname "$crt")" "$(dirname "$key")"
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 -subj '/CN=mastodon-origin' \\
  -keyout "$key.tmp" -out "$crt.tmp" 2>/dev/null
chmod 600 "$key.tmp"
chmod 644 "$crt.tmp"
mv -f "$key.tmp" "$key"
mv -f "$crt.tmp" "$crt"
echo "mastodon-self-signed-cert: created $crt"
`;
}

/** Ruby run by `rails runner`: exits 0 when the schema is loaded, 10 when the database is new or empty. */
const SCHEMA_CHECK =
  'exit(begin; ActiveRecord::Base.connection.table_exists?(:schema_migrations) ? 0 : 10; rescue ActiveRecord::NoDatabaseError; 10; end)';

function railsFunction(install: ScriptInstall): string {
  if (install.kind === 'containers') {
    return `# run_rails all|pre TASK...: a rails task in a throw-away container of the web image.
run_rails() {
  local scope=$1
  shift
  local env_args=(--env DB_SSLMODE=require)
  [[ $scope == pre ]] && env_args+=(--env SKIP_POST_DEPLOYMENT_MIGRATIONS=true)
  docker run --rm --env-file "$env_file" "\${env_args[@]}" ${install.webImage} bundle exec rails "$@"
}
`;
  }
  return `# run_rails all|pre TASK...: a rails task as ${install.user} in ${install.liveDirectory}, in a transient
# systemd unit so that it reads the environment file exactly as the Mastodon units do.
run_rails() {
  local scope=$1
  shift
  local env_args=(--setenv=RAILS_ENV=production --setenv=DB_SSLMODE=require)
  [[ $scope == pre ]] && env_args+=(--setenv=SKIP_POST_DEPLOYMENT_MIGRATIONS=true)
  systemd-run --quiet --wait --pipe --collect --uid=${install.user} --working-directory=${install.liveDirectory} \\
    --property=EnvironmentFile="$env_file" "\${env_args[@]}" ${install.rubyShimsDirectory}/bundle exec rails "$@"
}
`;
}

/**
 * `mastodon-migrate pre|post` (scheduler host only).
 *
 * - `pre` runs during cfn-init, before the host signals CloudFormation: `rails db:prepare` on a
 *   new database (first install), else `SKIP_POST_DEPLOYMENT_MIGRATIONS=true rails db:migrate`.
 * - `post` runs from `mastodon-post-migrate.service`: it waits until no running web host of the
 *   deployment carries another version tag, then runs `rails db:migrate` once per version.
 */
export function renderMigrateScript(
  install: ScriptInstall,
  options: { timeoutSeconds: number; pollSeconds: number },
): string {
  return `${HEADER('mastodon-migrate', 'database migrations of the deployment (scheduler host only).')}#   mastodon-migrate pre   first install: rails db:prepare; upgrade: pre-deployment migrations only
#   mastodon-migrate post  once no web host runs another version and the stack update has completed:
#                          the post-deployment migrations (skipped when the update rolled back)
${CONFIG_VARIABLE}
env_file=\${MASTODON_ENV_FILE:-${HOST_PATHS.envFile}}
state_dir=\${MASTODON_STATE_DIR:-${HOST_PATHS.stateDirectory}}
timeout=\${MASTODON_POST_MIGRATION_TIMEOUT:-${options.timeoutSeconds}}
poll=\${MASTODON_POST_MIGRATION_POLL:-${options.pollSeconds}}

log() {
  echo "mastodon-migrate: $*" >&2
}

${railsFunction(install)}
pre() {
  local status=0
  run_rails all runner '${SCHEMA_CHECK}' || status=$?
  case $status in
  0)
    log "database exists: running the pre-deployment migrations"
    run_rails pre db:migrate
    ;;
  10)
    log "database is empty: first install, running db:prepare"
    run_rails all db:prepare
    ;;
  *)
    log "cannot tell whether the database is initialised (rails runner exited $status)"
    return 1
    ;;
  esac
}

# stack_settled: 0 once the stack update completed, 1 while it runs, 2 when it rolled back.
stack_settled() {
  local status
  status=$(aws cloudformation describe-stacks --region "$region" --stack-name "$stack" \\
    --query 'Stacks[0].StackStatus' --output text) || return 1
  case $status in
  *ROLLBACK*)
    log "stack $status"
    return 2
    ;;
  *_COMPLETE) return 0 ;;
  *)
    log "waiting for the stack update to complete ($status)"
    return 1
    ;;
  esac
}

post() {
  local deployment version region stack marker deadline outdated settled
  deployment=$(jq -er '.deploymentId | strings' "$config")
  stack=$(jq -er '.stackId | strings' "$config")
  version=$(jq -er '.mastodonVersion | strings' "$config")
  region=$(jq -er '.region | strings' "$config")
  marker="$state_dir/post-deployment-migrations-$version.done"
  if [[ -e $marker ]]; then
    log "post-deployment migrations of $version already ran on this host"
    return 0
  fi
  deadline=$(($(date +%s) + timeout))
  while :; do
    if outdated=$(aws ec2 describe-instances --region "$region" --output json \\
      --filters "Name=tag:${HOST_TAGS.deployment},Values=$deployment" "Name=tag:${HOST_TAGS.role},Values=${HostRole.WEB}" \\
      "Name=instance-state-name,Values=pending,running" |
      jq -r --arg v "$version" '[.Reservations[]?.Instances[]? | select(([.Tags[]? | select(.Key == "${HOST_TAGS.version}") | .Value] | first // "") != $v) | .InstanceId] | join(" ")'); then
      if [[ -z $outdated ]]; then
        settled=0
        stack_settled || settled=$?
        if ((settled == 0)); then
          break
        elif ((settled == 2)); then
          log "the update rolled back: post-deployment migrations of $version NOT run"
          return 0
        fi
      else
        log "waiting for web hosts that still run another version: $outdated"
      fi
    else
      log "cannot list the web hosts of deployment $deployment; retrying"
    fi
    if (($(date +%s) >= deadline)); then
      log "ERROR: the rollout did not finish within \${timeout}s; post-deployment migrations of $version NOT run. Finish the web fleet rollout and the stack update, then: systemctl restart mastodon-post-migrate"
      return 75
    fi
    sleep "$poll"
  done
  log "every web host runs $version and the stack update completed: running the post-deployment migrations"
  run_rails all db:migrate
  mkdir -p "$state_dir"
  touch "$marker"
  log "post-deployment migrations of $version done"
}

case \${1:-} in
pre) pre ;;
post) post ;;
*)
  echo "usage: mastodon-migrate pre|post" >&2
  exit 2
  ;;
esac
`;
}

/** The host watchdog's checks of one role. */
function watchdogChecks(role: HostRole, install: ScriptInstall): string {
  const lines: string[] = [];
  if (role === HostRole.WEB) {
    lines.push('check_http http://127.0.0.1:3000/health');
    lines.push('check_http http://127.0.0.1:4000/api/v1/streaming/health');
    lines.push('check_http https://127.0.0.1/health');
    // The load balancer's probe: nginx sends it to Puma with the web domain as Host.
    lines.push('check_http https://127.0.0.1/robots.txt');
  }
  lines.push('check_unit mastodon-sidekiq.service');
  if (install.kind === 'containers') {
    lines.push('check_sidekiq_ready');
  }
  return lines.join('\n');
}

/**
 * `mastodon-watchdog`: run by a systemd timer. After `failureThreshold` consecutive failed checks
 * it reports the instance unhealthy to its Auto Scaling group, which replaces it.
 */
export function renderWatchdogScript(role: HostRole, install: ScriptInstall): string {
  return `${HEADER('mastodon-watchdog', `health checks of a ${role} host; reports it unhealthy to its Auto Scaling group.`)}${CONFIG_VARIABLE}
state_dir=\${MASTODON_WATCHDOG_STATE_DIR:-${HOST_PATHS.runtimeDirectory}}
uptime_file=\${MASTODON_UPTIME_FILE:-/proc/uptime}
${IMDS_FUNCTION}
log() {
  echo "mastodon-watchdog: $*" >&2
}

threshold=$(jq -er '.watchdog.failureThreshold | numbers' "$config") || {
  log "cannot read watchdog.failureThreshold from $config"
  exit 1
}
grace=$(jq -er '.watchdog.graceSeconds | numbers' "$config") || grace=0
region=$(jq -er '.region | strings' "$config") || {
  log "cannot read region from $config"
  exit 1
}

check_http() {
  curl -fsSk --max-time 5 -o /dev/null "$1" || problems+=("$1 failed")
}
check_unit() {
  systemctl is-active --quiet "$1" || problems+=("$1 is not active")
}
check_sidekiq_ready() {
  docker exec mastodon-sidekiq test -e ${SIDEKIQ_READY_FILE_IN_IMAGE} || problems+=("sidekiq has not reported ready")
}

run_checks() {
  problems=()
${watchdogChecks(role, install).replace(/^/gm, '  ')}
}

# At boot, cfn-init runs "mastodon-watchdog --until-healthy SECONDS" before the host signals
# CloudFormation: a release whose processes never become healthy fails the deployment.
if [[ \${1:-} == --until-healthy ]]; then
  limit=\${2:?--until-healthy needs a number of seconds}
  waited=0
  while true; do
    run_checks
    if ((\${#problems[@]} == 0)); then
      log "healthy after \${waited}s"
      exit 0
    fi
    if ((waited >= limit)); then
      log "not healthy after \${waited}s: \${problems[*]}"
      exit 1
    fi
    sleep 5
    waited=$((waited + 5))
  done
fi

read -r uptime _ <"$uptime_file"
if ((\${uptime%.*} < grace)); then
  log "boot grace period (\${uptime%.*}s of \${grace}s): not checking yet"
  exit 0
fi

run_checks
mkdir -p "$state_dir"
counter="$state_dir/watchdog-failures"
if ((\${#problems[@]} == 0)); then
  echo 0 >"$counter"
  exit 0
fi

previous=$(cat "$counter" 2>/dev/null || true)
[[ $previous =~ ^[0-9]+$ ]] || previous=0
failures=$((previous + 1))
echo "$failures" >"$counter"
log "check failed ($failures of $threshold): \${problems[*]}"
if ((failures < threshold)); then
  exit 0
fi

id=$(instance_id) || {
  log "cannot read the instance id from IMDSv2"
  exit 1
}
aws autoscaling set-instance-health --region "$region" --instance-id "$id" --health-status Unhealthy || {
  log "cannot report $id unhealthy"
  exit 1
}
log "reported $id unhealthy after $failures failed checks; the Auto Scaling group will replace it"
`;
}

/** Where the from-source units write their output for the CloudWatch agent to ship. */
export const FROM_SOURCE_LOG_DIRECTORY = '/var/log/mastodon';

/**
 * \`mastodon-cloudwatch-agent\` (from-source mode): installs the CloudWatch agent if the image
 * lacks it (Amazon Linux from its repositories; Debian and Ubuntu from AWS's package, reached
 * over the host's own network), writes its configuration from deployment.json (the log group is
 * only known there) and starts it, so every unit's log under ${FROM_SOURCE_LOG_DIRECTORY} reaches the
 * deployment's log group, one stream per host and unit. Container hosts use docker's awslogs
 * driver instead.
 */
export function renderCloudWatchAgentScript(units: ReadonlyArray<string>): string {
  const names = units.map((u) => u.replace(/\.service$/, ''));
  return `${HEADER('mastodon-cloudwatch-agent', "ships the Mastodon units' logs to CloudWatch Logs.")}${CONFIG_VARIABLE}
agent_config=\${MASTODON_CLOUDWATCH_AGENT_CONFIG:-/etc/mastodon/cloudwatch-agent.json}
ctl=\${MASTODON_CLOUDWATCH_AGENT_CTL:-/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl}
die() {
  echo "mastodon-cloudwatch-agent: $*" >&2
  exit 1
}

group=$(jq -er '.logGroupName | strings' "$config") || die "$config has no logGroupName"

if [[ ! -x $ctl ]]; then
  if command -v dnf >/dev/null; then
    dnf install -y amazon-cloudwatch-agent || die "cannot install amazon-cloudwatch-agent with dnf"
  elif command -v apt-get >/dev/null; then
    # shellcheck source=/dev/null
    . /etc/os-release
    case $(uname -m) in
      aarch64) arch=arm64 ;;
      x86_64) arch=amd64 ;;
      *) die "no CloudWatch agent package for $(uname -m)" ;;
    esac
    package=$(mktemp --suffix=.deb)
    curl -fsSL --retry 3 -o "$package" "https://amazoncloudwatch-agent.s3.amazonaws.com/\${ID}/\${arch}/latest/amazon-cloudwatch-agent.deb" ||
      die "cannot download the CloudWatch agent for \${ID}/\${arch}"
    dpkg -i "$package" || die "cannot install the CloudWatch agent package"
    rm -f "$package"
  else
    die "neither dnf nor apt-get: install the CloudWatch agent in the image"
  fi
fi

units=(${names.join(' ')})
collect=()
for unit in "\${units[@]}"; do
  collect+=("$(jq -n --arg file "${FROM_SOURCE_LOG_DIRECTORY}/$unit.log" --arg group "$group" --arg unit "$unit" \\
    '{file_path: $file, log_group_name: $group, log_stream_name: ("{instance_id}/" + $unit)}')")
done
mkdir -p "$(dirname "$agent_config")"
printf '%s\\n' "\${collect[@]}" | jq -s '{agent: {run_as_user: "root"}, logs: {logs_collected: {files: {collect_list: .}}}}' >"$agent_config"
"$ctl" -a fetch-config -m ec2 -s -c "file:$agent_config" || die "the CloudWatch agent did not start"
`;
}
