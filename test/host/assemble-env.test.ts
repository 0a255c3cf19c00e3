/*
 * mastodon-assemble-env runs for real against a fixture deployment.json, with the aws CLI
 * replaced by a stub on PATH that answers from fixture secrets and parameters.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseDockerEnvFile, parseSystemdEnvironmentFile } from './env-file-readers';
import { haveTool, tempDir, writeExecutable } from './host-test-helpers';
import { DeploymentConfig, envValueProblem } from '../../src/host/private/deployment-config';
import { renderAssembleEnvScript } from '../../src/host/private/scripts';

const DB_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:mastodon-db-AbCdEf';
const KEY_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:mastodon-secret-key-base-GhIjKl';

const AWS_STUB = `#!/bin/bash
# Stub of the aws CLI: answers get-secret-value and get-parameter from fixture JSON files.
set -euo pipefail
printf '%s\\n' "$*" >>"$AWS_STUB_LOG"
arg() {
  local want=$1
  shift
  while (($#)); do
    if [[ $1 == "$want" ]]; then
      printf '%s' "$2"
      return 0
    fi
    shift
  done
  return 1
}
case "$1 $2" in
"secretsmanager get-secret-value")
  id=$(arg --secret-id "$@")
  jq -ej --arg k "$id" 'if has($k) then .[$k] else error("missing") end' "$AWS_STUB_SECRETS" 2>/dev/null || {
    echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret." >&2
    exit 254
  }
  echo
  ;;
"ssm get-parameter")
  name=$(arg --name "$@")
  jq -ej --arg k "$name" 'if has($k) then .[$k] else error("missing") end' "$AWS_STUB_PARAMETERS" 2>/dev/null || {
    echo "An error occurred (ParameterNotFound) when calling the GetParameter operation" >&2
    exit 254
  }
  echo
  ;;
*)
  echo "aws stub: unexpected call: $*" >&2
  exit 2
  ;;
esac
`;

const TRICKY = `a b "c" #d $HOME 'e' =f \${X} \`id\` ;g`;
const DB_PASS = `p@ss w0rd"$x#y'z`;

function deployment(overrides: Partial<DeploymentConfig> = {}): DeploymentConfig {
  return {
    deploymentId: 'test',
    role: 'web',
    stackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Mastodon/1',
    region: 'eu-west-1',
    mastodonVersion: '4.5.11',
    imageTag: 'v4.5.11',
    environment: {
      SMTP_FROM_ADDRESS: 'Mastodon <notifications@social.example>',
      LOCAL_DOMAIN: 'social.example',
      TRICKY,
    },
    secrets: [
      { name: 'DB_PASS', secretArn: DB_ARN, jsonField: 'password' },
      { name: 'DB_PORT', secretArn: DB_ARN, jsonField: 'port' },
      { name: 'SECRET_KEY_BASE', secretArn: KEY_ARN },
    ],
    parameters: [{ name: 'SMTP_PASSWORD', parameterName: '/mastodon/smtp-password' }],
    logGroupName: '/cdk-mastodon/test',
    watchdog: { enabled: true, failureThreshold: 4, intervalSeconds: 30, graceSeconds: 600 },
    ...overrides,
  };
}

const SECRETS = {
  [DB_ARN]: JSON.stringify({ username: 'mastodon', password: DB_PASS, port: 5432, host: 'db.internal' }),
  [KEY_ARN]: '0123456789abcdef',
};

function run(config: DeploymentConfig, secrets: Record<string, string> = SECRETS) {
  const dir = tempDir('assemble-env');
  const bin = path.join(dir, 'bin');
  writeExecutable(path.join(bin, 'aws'), AWS_STUB);
  const script = path.join(dir, 'mastodon-assemble-env');
  writeExecutable(script, renderAssembleEnvScript());
  fs.writeFileSync(path.join(dir, 'deployment.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify(secrets));
  fs.writeFileSync(
    path.join(dir, 'parameters.json'),
    JSON.stringify({ '/mastodon/smtp-password': 'smtp secret' }),
  );
  const envFile = path.join(dir, 'env.production');
  const result = spawnSync('bash', [script], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      MASTODON_DEPLOYMENT_CONFIG: path.join(dir, 'deployment.json'),
      MASTODON_ENV_FILE: envFile,
      AWS_STUB_SECRETS: path.join(dir, 'secrets.json'),
      AWS_STUB_PARAMETERS: path.join(dir, 'parameters.json'),
      AWS_STUB_LOG: path.join(dir, 'aws.log'),
    },
  });
  const calls = fs.existsSync(path.join(dir, 'aws.log'))
    ? fs.readFileSync(path.join(dir, 'aws.log'), 'utf8')
    : '';
  return { result, envFile, dir, calls };
}

const EXPECTED_VALUES: Array<[string, string]> = [
  ['LOCAL_DOMAIN', 'social.example'],
  ['SMTP_FROM_ADDRESS', 'Mastodon <notifications@social.example>'],
  ['TRICKY', TRICKY],
  ['DB_PASS', DB_PASS],
  ['DB_PORT', '5432'],
  ['SECRET_KEY_BASE', '0123456789abcdef'],
  ['SMTP_PASSWORD', 'smtp secret'],
];

const tools = haveTool('jq', 'jq');
const maybe = tools ? test : test.skip;

describe('mastodon-assemble-env', () => {
  maybe('writes the env file byte for byte, mode 0600', () => {
    const { result, envFile } = run(deployment());
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const expected = EXPECTED_VALUES.map(([k, v]) => `${k}=${v}\n`).join('');
    expect(fs.readFileSync(envFile, 'utf8')).toBe(expected);
    expect((fs.statSync(envFile).mode % 0o1000).toString(8)).toBe('600');
    expect(result.stdout).toContain('wrote 7 variables');
  });

  maybe('every value round-trips through both systemd EnvironmentFile= and docker --env-file', () => {
    const { envFile } = run(deployment());
    const text = fs.readFileSync(envFile, 'utf8');
    const expected = new Map(EXPECTED_VALUES);
    expect(parseSystemdEnvironmentFile(text)).toEqual(expected);
    expect(parseDockerEnvFile(text)).toEqual(expected);
  });

  maybe('calls the aws CLI with region, text output and decryption', () => {
    const { calls } = run(deployment());
    expect(calls).toContain(
      `secretsmanager get-secret-value --region eu-west-1 --secret-id ${DB_ARN} --query SecretString --output text`,
    );
    expect(calls).toContain(
      'ssm get-parameter --region eu-west-1 --name /mastodon/smtp-password --with-decryption --query Parameter.Value --output text',
    );
  });

  maybe('fails without writing a partial env file when a secret cannot be read', () => {
    const { result, envFile, dir } = run(deployment(), { [DB_ARN]: SECRETS[DB_ARN] });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`SECRET_KEY_BASE: cannot read secret ${KEY_ARN}`);
    expect(fs.existsSync(envFile)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('env.production'))).toEqual([]);
  });

  maybe('fails when a JSON secret lacks the field', () => {
    const { result } = run(
      deployment({ secrets: [{ name: 'DB_USER', secretArn: DB_ARN, jsonField: 'user' }] }),
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('DB_USER: secret');
    expect(result.stderr).toContain("has no string field 'user'");
  });

  test.each([
    ['a line break', 'one\ntwo'],
    ['a backslash', 'C:\\path'],
    ['a leading quote', '"quoted"'],
    ['leading whitespace', ' padded'],
    ['trailing whitespace', 'padded '],
  ])('refuses a value with %s', (_what, value) => {
    expect(envValueProblem(value)).toBeDefined();
    if (!tools) return;
    const { result } = run(deployment({ environment: { BAD: value }, secrets: [], parameters: [] }));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/^mastodon-assemble-env: BAD: the value /m);
  });

  maybe('refuses a secret value the env file cannot carry', () => {
    const { result } = run(
      deployment({ environment: {}, secrets: [{ name: 'SECRET_KEY_BASE', secretArn: KEY_ARN }] }),
      {
        [KEY_ARN]: 'ends with a backslash\\',
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SECRET_KEY_BASE: the value contains a backslash');
  });

  maybe('refuses a name given twice', () => {
    const { result } = run(
      deployment({
        environment: { SECRET_KEY_BASE: 'x' },
        secrets: [{ name: 'SECRET_KEY_BASE', secretArn: KEY_ARN }],
      }),
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SECRET_KEY_BASE is defined more than once');
  });
});

describe('the ported env file readers', () => {
  test('systemd unquotes, unescapes and trims; docker takes the rest of the line verbatim', () => {
    const text = `A="x y"\nB=  padded  \nC=a\\\\b\n# comment\nD='single $x'\nE=mid"quote\n`;
    expect(parseSystemdEnvironmentFile(text)).toEqual(
      new Map([
        ['A', 'x y'],
        ['B', 'padded'],
        ['C', 'a\\b'],
        ['D', 'single $x'],
        ['E', 'mid"quote'],
      ]),
    );
    expect(parseDockerEnvFile(text)).toEqual(
      new Map([
        ['A', '"x y"'],
        ['B', '  padded  '],
        ['C', 'a\\\\b'],
        ['D', "'single $x'"],
        ['E', 'mid"quote'],
      ]),
    );
  });
});
