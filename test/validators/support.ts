/** Shared helpers of the template validators: the scenarios, their templates and the scanners. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildByoVpcScenario } from '../../integ/integ.byo-vpc';
import { buildDefaultsScenario, Scenario } from '../../integ/integ.defaults';
import { buildSeedScenario } from '../../integ/integ.seed';

export const ROOT = path.join(__dirname, '..', '..');
export const INTEG_DIR = path.join(ROOT, 'integ');

/** Every integration scenario, by its file name. */
export const SCENARIOS: Record<string, () => Scenario> = {
  'integ.defaults': buildDefaultsScenario,
  'integ.byo-vpc': buildByoVpcScenario,
  'integ.seed': buildSeedScenario,
};

/**
 * Every template of every committed snapshot. integ-runner (which runs first in the test task)
 * has just verified that each snapshot equals a fresh synth, so these are the current templates.
 * Empty templates (an assertion stack without assertions) are skipped: cfn-lint rejects a
 * template without resources (E1001).
 */
export function snapshotTemplates(): string[] {
  const templates = fs
    .readdirSync(INTEG_DIR)
    .filter((d) => d.endsWith('.snapshot'))
    .flatMap((d) =>
      fs
        .readdirSync(path.join(INTEG_DIR, d))
        .filter((f) => f.endsWith('.template.json'))
        .map((f) => path.join(INTEG_DIR, d, f)),
    )
    .filter((f) => Object.keys(JSON.parse(fs.readFileSync(f, 'utf-8')).Resources ?? {}).length > 0)
    .sort();
  if (templates.length === 0) {
    throw new Error(`no snapshot templates under ${INTEG_DIR}: run 'npx projen integ:update'`);
  }
  return templates;
}

/** A scanner from the project's .venv (see test/validators/requirements.txt), else from PATH. */
export function tool(name: string): string {
  const local = path.join(ROOT, '.venv', 'bin', name);
  if (fs.existsSync(local)) return local;
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return name;
  } catch {
    throw new Error(
      `${name} is not installed: run 'npx projen validators:setup' (pinned in test/validators/requirements.txt)`,
    );
  }
}

/** Runs a scanner; returns its stdout whatever its exit code (findings exit non-zero). */
export function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, {
      cwd: ROOT,
      encoding: 'utf-8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e: any) {
    if (typeof e.stdout === 'string' && e.stdout.length > 0) return e.stdout;
    throw e;
  }
}

export function relative(file: string): string {
  return path.relative(ROOT, file);
}
