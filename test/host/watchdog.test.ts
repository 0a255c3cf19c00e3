/*
 * mastodon-watchdog runs for real with curl, systemctl, docker and aws replaced by stubs on PATH.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { haveTool, tempDir, writeExecutable } from './host-test-helpers';
import { HostRole } from '../../src/host/host-role';
import { renderWatchdogScript, ScriptInstall } from '../../src/host/private/scripts';

const CONTAINERS: ScriptInstall = { kind: 'containers', webImage: 'ghcr.io/mastodon/mastodon:v4.5.11' };

/** A stub that logs its arguments and fails when a file named after the tool exists in $STUB_FAIL_DIR. */
function stub(tool: string, output = ''): string {
  return `#!/bin/bash
printf '%s %s\\n' "${tool}" "$*" >>"$STUB_LOG"
if [[ -e "$STUB_FAIL_DIR/${tool}" ]] && grep -qF -- "$(cat "$STUB_FAIL_DIR/${tool}")" <<<"$*"; then
  exit 7
fi
printf '%s' '${output}'
`;
}

class Host {
  public readonly dir = tempDir('watchdog');
  private readonly script = path.join(this.dir, 'mastodon-watchdog');
  constructor(role: HostRole, uptimeSeconds = 5000) {
    const bin = path.join(this.dir, 'bin');
    writeExecutable(path.join(bin, 'curl'), stub('curl', 'i-0123456789abcdef0'));
    writeExecutable(path.join(bin, 'systemctl'), stub('systemctl'));
    writeExecutable(path.join(bin, 'docker'), stub('docker'));
    writeExecutable(path.join(bin, 'aws'), stub('aws'));
    fs.mkdirSync(path.join(this.dir, 'fail'));
    writeExecutable(this.script, renderWatchdogScript(role, CONTAINERS));
    fs.writeFileSync(
      path.join(this.dir, 'deployment.json'),
      JSON.stringify({ region: 'eu-west-1', watchdog: { failureThreshold: 4, graceSeconds: 600 } }),
    );
    fs.writeFileSync(path.join(this.dir, 'uptime'), `${uptimeSeconds}.42 1234.00\n`);
  }
  /** Makes `tool` fail whenever its arguments contain `match`. */
  public fail(tool: string, match: string): void {
    fs.writeFileSync(path.join(this.dir, 'fail', tool), match);
  }
  public heal(tool: string): void {
    fs.rmSync(path.join(this.dir, 'fail', tool), { force: true });
  }
  public run(...args: string[]) {
    fs.rmSync(path.join(this.dir, 'calls.log'), { force: true });
    const result = spawnSync('bash', [this.script, ...args], {
      encoding: 'utf8',
      env: {
        PATH: `${path.join(this.dir, 'bin')}:${process.env.PATH}`,
        MASTODON_DEPLOYMENT_CONFIG: path.join(this.dir, 'deployment.json'),
        MASTODON_WATCHDOG_STATE_DIR: path.join(this.dir, 'run'),
        MASTODON_UPTIME_FILE: path.join(this.dir, 'uptime'),
        STUB_LOG: path.join(this.dir, 'calls.log'),
        STUB_FAIL_DIR: path.join(this.dir, 'fail'),
      },
    });
    const log = path.join(this.dir, 'calls.log');
    const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    return {
      status: result.status,
      stderr: result.stderr,
      calls,
      reported: calls.includes('aws autoscaling'),
    };
  }
}

const maybe = haveTool('jq', 'jq') ? test : test.skip;

describe('mastodon-watchdog', () => {
  maybe('a healthy web host checks Puma, streaming, nginx and Sidekiq and reports nothing', () => {
    const host = new Host(HostRole.WEB);
    const run = host.run();
    expect(run.status).toBe(0);
    expect(run.calls).toContain('curl -fsSk --max-time 5 -o /dev/null http://127.0.0.1:3000/health');
    expect(run.calls).toContain(
      'curl -fsSk --max-time 5 -o /dev/null http://127.0.0.1:4000/api/v1/streaming/health',
    );
    expect(run.calls).toContain('curl -fsSk --max-time 5 -o /dev/null https://127.0.0.1/health');
    expect(run.calls).toContain('curl -fsSk --max-time 5 -o /dev/null https://127.0.0.1/robots.txt');
    expect(run.calls).toContain('systemctl is-active --quiet mastodon-sidekiq.service');
    expect(run.calls).toContain(
      'docker exec mastodon-sidekiq test -e /opt/mastodon/tmp/sidekiq_process_has_started_and_will_begin_processing_jobs',
    );
    expect(run.reported).toBe(false);
  });

  maybe('reports the host unhealthy only after 4 consecutive failures, with the IMDSv2 instance id', () => {
    const host = new Host(HostRole.WEB);
    host.fail('curl', '127.0.0.1:4000');
    for (let i = 1; i <= 3; i++) {
      const run = host.run();
      expect(run.status).toBe(0);
      expect(run.stderr).toContain(
        `check failed (${i} of 4): http://127.0.0.1:4000/api/v1/streaming/health failed`,
      );
      expect(run.reported).toBe(false);
    }
    const fourth = host.run();
    expect(fourth.status).toBe(0);
    expect(fourth.calls).toContain(
      'curl -fsS --max-time 5 -X PUT -H X-aws-ec2-metadata-token-ttl-seconds: 300 http://169.254.169.254/latest/api/token',
    );
    expect(fourth.calls).toContain(
      '-H X-aws-ec2-metadata-token: i-0123456789abcdef0 http://169.254.169.254/latest/meta-data/instance-id',
    );
    expect(fourth.calls).toContain(
      'aws autoscaling set-instance-health --region eu-west-1 --instance-id i-0123456789abcdef0 --health-status Unhealthy',
    );
  });

  maybe('a success in between resets the count', () => {
    const host = new Host(HostRole.WEB);
    host.fail('curl', ':3000/health');
    host.run();
    host.run();
    host.run();
    host.heal('curl');
    expect(host.run().reported).toBe(false);
    host.fail('curl', ':3000/health');
    for (let i = 1; i <= 3; i++) expect(host.run().reported).toBe(false);
    expect(host.run().reported).toBe(true);
  });

  maybe('the scheduler checks the Sidekiq unit and its readiness file, not HTTP', () => {
    const host = new Host(HostRole.SCHEDULER);
    host.fail('systemctl', 'mastodon-sidekiq');
    const runs = [1, 2, 3, 4].map(() => host.run());
    expect(runs[0].calls).not.toContain('curl -fsSk');
    expect(runs[0].stderr).toContain('mastodon-sidekiq.service is not active');
    expect(runs.map((r) => r.reported)).toEqual([false, false, false, true]);
  });

  maybe('--until-healthy: at boot, succeeds once every check passes, ignoring the grace period', () => {
    const host = new Host(HostRole.WEB, 30);
    const run = host.run('--until-healthy', '900');
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('healthy after 0s');
    expect(run.calls).toContain('https://127.0.0.1/robots.txt');
    expect(run.reported).toBe(false);
  });

  maybe('--until-healthy: fails the boot (and so the CloudFormation signal) when Puma never answers', () => {
    const host = new Host(HostRole.WEB, 30);
    host.fail('curl', ':3000/health');
    const run = host.run('--until-healthy', '0');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not healthy after 0s: http://127.0.0.1:3000/health failed');
    expect(run.reported).toBe(false);
  });

  maybe('reports nothing during the boot grace period', () => {
    const host = new Host(HostRole.WEB, 120);
    host.fail('curl', 'health');
    const runs = [1, 2, 3, 4, 5].map(() => host.run());
    expect(runs.every((r) => !r.reported && r.status === 0)).toBe(true);
    expect(runs[0].stderr).toContain('boot grace period (120s of 600s)');
    expect(runs[0].calls).toBe('');
  });

  maybe('exits non-zero when the report itself fails, so the failure shows in systemd', () => {
    const host = new Host(HostRole.SCHEDULER);
    host.fail('docker', 'exec');
    host.fail('aws', 'set-instance-health');
    const runs = [1, 2, 3, 4].map(() => host.run());
    expect(runs[3].status).not.toBe(0);
    expect(runs[3].stderr).toContain('cannot report i-0123456789abcdef0 unhealthy');
  });
});
