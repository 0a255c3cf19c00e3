/*
 * mastodon-cloudwatch-agent (from-source hosts) runs for real with the agent's control script
 * replaced by a stub: it must write an agent configuration that ships every unit's log file to
 * the deployment's log group, one stream per host and unit, and start the agent with it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { haveTool, tempDir, writeExecutable } from './host-test-helpers';
import { renderCloudWatchAgentScript } from '../../src/host/private/scripts';

const maybe = haveTool('jq', 'jq') ? test : test.skip;

function run(config: object) {
  const dir = tempDir('cw-agent');
  const script = path.join(dir, 'mastodon-cloudwatch-agent');
  writeExecutable(
    script,
    renderCloudWatchAgentScript([
      'mastodon-web.service',
      'mastodon-streaming.service',
      'mastodon-sidekiq.service',
    ]),
  );
  const ctl = path.join(dir, 'amazon-cloudwatch-agent-ctl');
  writeExecutable(ctl, `#!/bin/bash\nprintf '%s\\n' "$*" >"${path.join(dir, 'ctl.log')}"\n`);
  fs.writeFileSync(path.join(dir, 'deployment.json'), JSON.stringify(config));
  const result = spawnSync('bash', [script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      MASTODON_DEPLOYMENT_CONFIG: path.join(dir, 'deployment.json'),
      MASTODON_CLOUDWATCH_AGENT_CONFIG: path.join(dir, 'agent.json'),
      MASTODON_CLOUDWATCH_AGENT_CTL: ctl,
    },
  });
  const read = (f: string) =>
    fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '';
  return {
    status: result.status,
    stderr: result.stderr,
    agent: read('agent.json'),
    ctl: read('ctl.log'),
    dir,
  };
}

describe('mastodon-cloudwatch-agent', () => {
  maybe('configures one stream per host and unit in the deployment log group, then starts the agent', () => {
    const r = run({ logGroupName: 'Mastodon-WebLogs-1A2B' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.agent)).toEqual({
      agent: { run_as_user: 'root' },
      logs: {
        logs_collected: {
          files: {
            collect_list: ['mastodon-web', 'mastodon-streaming', 'mastodon-sidekiq'].map((unit) => ({
              file_path: `/var/log/mastodon/${unit}.log`,
              log_group_name: 'Mastodon-WebLogs-1A2B',
              log_stream_name: `{instance_id}/${unit}`,
            })),
          },
        },
      },
    });
    expect(r.ctl.trim()).toBe(`-a fetch-config -m ec2 -s -c file:${path.join(r.dir, 'agent.json')}`);
  });

  maybe('fails the boot when the deployment has no log group', () => {
    const r = run({});
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('has no logGroupName');
    expect(r.ctl).toBe('');
  });
});
