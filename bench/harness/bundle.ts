import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Runs the project's `bundle` task (projen's esbuild bundling of Lambda handlers into assets/)
 * when the project has one, so that constructs that stage those assets can synthesize. Never
 * measured: callers run it before any timed work.
 */
export function ensureBundled(root: string, log: (msg: string) => void): void {
  const tasksFile = path.join(root, '.projen', 'tasks.json');
  if (!fs.existsSync(tasksFile)) return;
  const tasks = JSON.parse(fs.readFileSync(tasksFile, 'utf8')).tasks ?? {};
  if (!tasks.bundle) return;
  log('bundling Lambda handlers: npx projen bundle');
  const r = spawnSync('npx', ['projen', 'bundle'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`npx projen bundle failed:\n${r.stdout}\n${r.stderr}`);
}
