/**
 * cfn-lint (pinned in requirements.txt) over every synthesized template, with the ignores of
 * cfnlintrc.yaml only: zero findings. Its E3xxx rules validate every resource against the
 * CloudFormation resource provider schemas, so a schema error fails here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { relative, run, snapshotTemplates, tool } from './support';

const CONFIG = path.join(__dirname, 'cfnlintrc.yaml');

function cfnLint(files: string[]): Array<{ Rule: { Id: string }; Filename: string; Message: string }> {
  const out = run(tool('cfn-lint'), ['--config-file', CONFIG, '--format', 'json', '--', ...files]);
  return out.trim() === '' ? [] : JSON.parse(out);
}

test('every template passes cfn-lint', () => {
  const findings = cfnLint(snapshotTemplates()).map(
    (f) => `${f.Rule.Id} ${relative(f.Filename)}: ${f.Message}`,
  );
  expect(findings).toEqual([]);
});

test('every ignored check carries a reason', () => {
  const lines = fs.readFileSync(CONFIG, 'utf-8').split('\n');
  lines.forEach((line, i) => {
    const m = /^\s*-\s*([EWI]\d+)/.exec(line);
    if (m) {
      expect({ check: m[1], reason: /^\s*#\s*\S/.test(lines[i - 1] ?? '') }).toEqual({
        check: m[1],
        reason: true,
      });
    }
    if (m) expect(m[1].startsWith('E')).toBe(false);
  });
});

test('a schema error fails cfn-lint (the validator is live)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-canary-'));
  const file = path.join(dir, 'canary.template.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      Resources: {
        Bucket: {
          Type: 'AWS::S3::Bucket',
          Properties: { VersioningConfiguration: { Status: 'Sometimes' }, NoSuchProperty: 1 },
        },
      },
      Metadata: { 'AWS::CDK::Metadata': {} },
    }),
  );
  const ids = cfnLint([file]).map((f) => f.Rule.Id);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(ids).toEqual(expect.arrayContaining(['E3002', 'E3030']));
});
