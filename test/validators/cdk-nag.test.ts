/**
 * cdk-nag (AwsSolutionsChecks, the v3 Validations API) over the MastodonSocial of every
 * integration scenario: zero unacknowledged findings, and every acknowledgement carries a reason
 * and is listed in docs/security-acknowledgements.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ROOT, SCENARIOS } from './support';

const scenarios = Object.entries(SCENARIOS).map(([name, build]) => ({ name, scenario: build() }));

describe.each(scenarios)('cdk-nag AwsSolutions: $name', ({ scenario }) => {
  test('no unacknowledged findings', () => {
    const report = new AwsSolutionsChecks(scenario.app).validateScope(scenario.mastodon);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map(
        (r) =>
          `${v.severity} ${v.ruleName} at ${(r as { constructPath?: string }).constructPath}: ${v.description}`,
      ),
    );
    expect(findings).toEqual([]);
  });

  test('every acknowledgement has a reason and is documented', () => {
    const documented = fs.readFileSync(path.join(ROOT, 'docs', 'security-acknowledgements.md'), 'utf-8');
    const acks = acknowledgements(scenario.mastodon);
    expect(acks.length).toBeGreaterThan(0);
    for (const { id, reason } of acks) {
      expect(reason.trim().length).toBeGreaterThan(20);
      expect({ id, documented: documented.includes(`\`${id.replace(/<[^>]*\.Arn>/, '<…Arn>')}\``) }).toEqual({
        id,
        documented: true,
      });
    }
  });
});

/** Every acknowledgement recorded under `scope`, without the `annotation::` prefix. */
function acknowledgements(scope: IConstruct): Array<{ id: string; reason: string }> {
  const out = new Map<string, string>();
  for (const c of scope.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        out.set(id.replace(/^annotation::/i, ''), reason);
      }
    }
  }
  return [...out].map(([id, reason]) => ({ id, reason }));
}
