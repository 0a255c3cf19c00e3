/*
 * `mastodon-migrate post` runs for real with aws and docker replaced by stubs: the
 * post-deployment migrations run only once every web host carries the new version AND the
 * stack update has completed; never while it is in progress, never after a rollback.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { haveTool, tempDir, writeExecutable } from './host-test-helpers';
import { renderMigrateScript } from '../../src/host/private/scripts';

const maybe = haveTool('jq', 'jq') ? test : test.skip;

function instances(...versions: string[]): string {
  return JSON.stringify({
    Reservations: [
      {
        Instances: versions.map((v, i) => ({
          InstanceId: `i-${i}`,
          Tags: [{ Key: 'cdk-mastodon:version', Value: v }],
        })),
      },
    ],
  });
}

function post(webVersions: string[], stackStatus: string) {
  const dir = tempDir('post-migrate');
  const script = path.join(dir, 'mastodon-migrate');
  writeExecutable(
    script,
    renderMigrateScript(
      { kind: 'containers', webImage: 'ghcr.io/mastodon/mastodon:v4.5.11' },
      { timeoutSeconds: 0, pollSeconds: 0 },
    ),
  );
  fs.writeFileSync(path.join(dir, 'instances.json'), instances(...webVersions));
  const bin = path.join(dir, 'bin');
  writeExecutable(
    path.join(bin, 'aws'),
    `#!/bin/bash
printf 'aws %s\\n' "$*" >>"${dir}/calls.log"
case "$*" in
*"ec2 describe-instances"*) cat "${dir}/instances.json" ;;
*"cloudformation describe-stacks"*) echo "${stackStatus}" ;;
*) exit 2 ;;
esac
`,
  );
  writeExecutable(path.join(bin, 'docker'), `#!/bin/bash\nprintf 'docker %s\\n' "$*" >>"${dir}/calls.log"\n`);
  fs.writeFileSync(
    path.join(dir, 'deployment.json'),
    JSON.stringify({
      deploymentId: 'd1',
      stackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/M/1',
      mastodonVersion: '4.5.11',
      region: 'eu-west-1',
    }),
  );
  const result = spawnSync('bash', [script, 'post'], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      MASTODON_DEPLOYMENT_CONFIG: path.join(dir, 'deployment.json'),
      MASTODON_ENV_FILE: path.join(dir, 'env.production'),
      MASTODON_STATE_DIR: path.join(dir, 'state'),
    },
  });
  const calls = fs.existsSync(path.join(dir, 'calls.log'))
    ? fs.readFileSync(path.join(dir, 'calls.log'), 'utf8')
    : '';
  return {
    status: result.status,
    stderr: result.stderr,
    migrated: calls.includes('bundle exec rails db:migrate'),
    marker: fs.existsSync(path.join(dir, 'state', 'post-deployment-migrations-4.5.11.done')),
    calls,
  };
}

describe('mastodon-migrate post', () => {
  maybe(
    'runs the post-deployment migrations once every web host runs the version and the update completed',
    () => {
      const r = post(['4.5.11', '4.5.11'], 'UPDATE_COMPLETE');
      expect(r.status).toBe(0);
      expect(r.migrated).toBe(true);
      expect(r.marker).toBe(true);
      expect(r.calls).toContain(
        'aws cloudformation describe-stacks --region eu-west-1 --stack-name arn:aws:cloudformation:eu-west-1:111111111111:stack/M/1',
      );
      // Without SKIP_POST_DEPLOYMENT_MIGRATIONS: these are the post-deployment ones.
      expect(r.calls).not.toContain('SKIP_POST_DEPLOYMENT_MIGRATIONS');
    },
  );

  maybe('waits (and finally gives up, exit 75) while the stack update is still in progress', () => {
    const r = post(['4.5.11', '4.5.11'], 'UPDATE_IN_PROGRESS');
    expect(r.status).toBe(75);
    expect(r.migrated).toBe(false);
    expect(r.stderr).toContain('waiting for the stack update to complete (UPDATE_IN_PROGRESS)');
  });

  maybe('never runs them after the update rolled back', () => {
    const r = post(['4.5.11', '4.5.11'], 'UPDATE_ROLLBACK_COMPLETE');
    expect(r.status).toBe(0);
    expect(r.migrated).toBe(false);
    expect(r.marker).toBe(false);
    expect(r.stderr).toContain('the update rolled back: post-deployment migrations of 4.5.11 NOT run');
  });

  maybe('waits while a web host still runs another version, without asking the stack', () => {
    const r = post(['4.5.11', '4.5.10'], 'UPDATE_COMPLETE');
    expect(r.status).toBe(75);
    expect(r.migrated).toBe(false);
    expect(r.stderr).toContain('waiting for web hosts that still run another version: i-1');
    expect(r.calls).not.toContain('cloudformation');
  });
});
