/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`) by module: self time attributed to the
 * package (or the library's own compiled `src/`) whose code was running, so a regression shows
 * where the abstraction spends its time.
 */
import { markdownTable } from './stats';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The module a script URL belongs to: `aws-cdk-lib/aws-ec2`, `constructs`, `cdk-mastodon src/...`. */
export function moduleOf(url: string, root: string): string {
  if (!url) return '(native / idle / gc)';
  if (url.startsWith('node:')) return '(node internals)';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + '/node_modules/'.length).split('/');
    if (rest[0] === '.cache') {
      // the benchmark's compiled output: .cache/cdk-mastodon-bench/out/<src|bench>/<dir>/...
      const inner = rest.slice(3);
      return `cdk-mastodon ${inner.slice(0, Math.min(2, inner.length - 1)).join('/') || inner[0]}`;
    }
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    const sub = rest[0].startsWith('@') ? rest[2] : rest[1];
    return pkg === 'aws-cdk-lib' && sub ? `${pkg}/${sub}` : pkg;
  }
  return file.startsWith(root) ? file.slice(root.length + 1) : file;
}

export function summarizeCpuProfile(profile: CpuProfile, root: string, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  const fnUs = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    total += dt;
    const mod = moduleOf(node.callFrame.url, root);
    selfUs.set(mod, (selfUs.get(mod) ?? 0) + dt);
    const fn = `${node.callFrame.functionName || '(anonymous)'} — ${mod}`;
    fnUs.set(fn, (fnUs.get(fn) ?? 0) + dt);
  });
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => [k, (us / 1000).toFixed(1), ((100 * us) / (total || 1)).toFixed(1)]);
  return [
    markdownTable(['module', 'self ms', '%'], rows(selfUs), 'lrr'),
    '',
    markdownTable(['function — module', 'self ms', '%'], rows(fnUs), 'lrr'),
  ].join('\n');
}
