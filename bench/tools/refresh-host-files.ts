/**
 * Refreshes bench/apps/host-files/: the host files (scripts, systemd units, nginx site) that the
 * baseline app writes with CloudFormation init, taken from what `MastodonSocial` renders for its
 * default configuration. The baseline stands for a user who wrote the same deployment by hand,
 * files included; keeping the same payload makes the benchmark compare the code paths, not the
 * size of the host scripts. Run it after the library's host files change:
 *
 *   npx ts-node --project tsconfig.dev.json --transpile-only bench/tools/refresh-host-files.ts
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as library from '../../src';
import { buildMastodonSocial } from '../apps/mastodon-social-stack';
import { BENCH_DOMAIN, BENCH_ZONE } from '../apps/options';
import { ensureBundled } from '../harness/bundle';

const ROOT = path.resolve(__dirname, '..', '..');
const TARGET = path.join(ROOT, 'bench', 'apps', 'host-files');
const DEPLOYMENT_CONFIG = '/etc/mastodon/deployment.json';

export interface HostFileEntry {
  readonly path: string;
  readonly mode: string;
}

function main() {
  if (typeof (library as Record<string, unknown>).MastodonSocial !== 'function') {
    throw new Error('MastodonSocial is not exported from src/index.ts: nothing to refresh from');
  }
  ensureBundled(ROOT, (m) => process.stderr.write(`${m}\n`));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-mastodon-host-files-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Mastodon');
  const hostedZone = route53.PublicHostedZone.fromHostedZoneAttributes(stack, 'Zone', BENCH_ZONE);
  buildMastodonSocial(stack, { domain: BENCH_DOMAIN, hostedZone, profile: 'default' });
  const template = app.synth().getStackByName('Mastodon').template;
  fs.rmSync(outdir, { recursive: true, force: true });

  const roles: Record<string, HostFileEntry[]> = {};
  fs.rmSync(TARGET, { recursive: true, force: true });
  for (const resource of Object.values<any>(template.Resources)) {
    const init = resource.Metadata?.['AWS::CloudFormation::Init'];
    if (resource.Type !== 'AWS::AutoScaling::AutoScalingGroup' || !init) continue;
    const files: Record<string, any> = {};
    for (const [key, config] of Object.entries<any>(init)) {
      if (key !== 'configSets') Object.assign(files, config.files ?? {});
    }
    const role = files[DEPLOYMENT_CONFIG]?.content?.role;
    if (typeof role !== 'string') throw new Error(`no role in ${DEPLOYMENT_CONFIG} of an Auto Scaling group`);
    roles[role] = [];
    for (const [file, spec] of Object.entries<any>(files)) {
      if (file === DEPLOYMENT_CONFIG) continue; // written from tokens by the baseline itself
      if (typeof spec.content !== 'string') throw new Error(`${role} ${file}: content is not a plain string`);
      const dest = path.join(TARGET, role, file);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, spec.content);
      roles[role].push({ path: file, mode: spec.mode });
    }
  }
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  const manifest = {
    note:
      'Host files of the baseline app, rendered by MastodonSocial for its default configuration ' +
      'by bench/tools/refresh-host-files.ts. Do not edit by hand: refresh them instead.',
    renderedAt: commit || 'unknown',
    roles,
  };
  fs.writeFileSync(path.join(TARGET, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const [role, files] of Object.entries(roles)) {
    process.stdout.write(`${role}: ${files.length} files\n`);
  }
}

main();
