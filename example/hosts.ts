/**
 * Prints exactly what each host of the example deployment runs: every file cfn-init writes
 * (systemd units, nginx config, scripts), per role. Usage:
 *   npx projen example:hosts            # file list per role
 *   npx projen example:hosts -- --full  # with contents
 */
import { InstallMode, MastodonVersion } from '../src';
import { HostRole, renderHostArtifacts } from '../src/host/host-bootstrap';

const full = process.argv.includes('--full');
const mode = process.argv.includes('--from-source') ? InstallMode.fromSource() : InstallMode.containers();
const version = MastodonVersion.latest();
const roles = [
  {
    role: HostRole.SCHEDULER,
    queues: version.sidekiqQueues(),
    concurrency: 25,
  },
  {
    role: HostRole.WEB,
    queues: version.sidekiqQueuesWithoutScheduler(),
    concurrency: 10,
  },
];
for (const r of roles) {
  const files = renderHostArtifacts({
    role: r.role,
    installMode: mode,
    mastodonVersion: version,
    sidekiqQueues: r.queues,
    sidekiqConcurrency: r.concurrency,
    web: r.role === HostRole.WEB ? { webConcurrency: 2, maxThreads: 5, streamingDbPool: 10 } : undefined,
    webDomain: 'social.example.com',
  });
  process.stdout.write(
    `\n## ${r.role} host (${mode.kind}, Mastodon ${version.version}): ${files.length} files\n`,
  );
  process.stdout.write(`sidekiq queues: ${r.queues.map((q) => `${q.name},${q.weight}`).join(' ')}\n`);
  for (const f of files) {
    process.stdout.write(`  ${f.mode} ${f.path} (${Buffer.byteLength(f.content)} bytes)\n`);
    if (full) process.stdout.write(`${f.content.replace(/^/gm, '    | ')}\n`);
  }
}
