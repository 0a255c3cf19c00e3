/**
 * checkov (pinned in requirements.txt), an independent scanner, over every synthesized template:
 * every finding must be explained in checkov-explanations.json, and every explanation must still
 * match a finding (so the file cannot rot).
 */
import * as fs from 'fs';
import * as path from 'path';
import { relative, run, snapshotTemplates, tool } from './support';

interface Explanation {
  readonly check: string;
  readonly resources: string;
  readonly reason: string;
}

const { explanations } = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'checkov-explanations.json'), 'utf-8'),
) as {
  explanations: Explanation[];
};

test('every checkov finding is explained', () => {
  const templates = snapshotTemplates();
  const args = [
    '--framework',
    'cloudformation',
    '--skip-download',
    '--compact',
    '--quiet',
    '--output',
    'json',
  ];
  const out = run(tool('checkov'), [...args, ...templates.flatMap((t) => ['--file', t])]);
  const parsed = JSON.parse(out);
  const reports: any[] = Array.isArray(parsed) ? parsed : [parsed];
  const failed: Array<{ check_id: string; file_path: string; resource: string }> = reports.flatMap(
    (r) => r.results?.failed_checks ?? [],
  );
  const scanned = reports.reduce((n, r) => n + (r.summary?.resource_count ?? 0), 0);
  expect(scanned).toBeGreaterThan(100);

  const used = new Set<Explanation>();
  const unexplained: string[] = [];
  for (const f of failed) {
    const subject = `${path.basename(f.file_path)} ${f.resource}`;
    const match = explanations.find(
      (e) => new RegExp(`^(${e.check})$`).test(f.check_id) && new RegExp(e.resources).test(subject),
    );
    if (match) used.add(match);
    else unexplained.push(`${f.check_id} ${relative(f.file_path)} ${f.resource}`);
  }
  expect(unexplained).toEqual([]);
  expect(explanations.filter((e) => !used.has(e)).map((e) => `${e.check} ${e.resources}`)).toEqual([]);
  for (const e of explanations) expect(e.reason.length).toBeGreaterThan(40);
});
