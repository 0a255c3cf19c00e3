/**
 * Shared setup of the integration scenarios: an App with pinned feature flags, a test stack that
 * deletes everything it created, and the deploy-time settings a maintainer supplies.
 *
 * Nothing here looks anything up at synth time. Snapshot runs (CI, `npx projen test`) use the
 * placeholders below; a real deploy reads the maintainer's values from environment variables
 * (see docs/integration-tests.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, RemovalPolicies, Stack } from 'aws-cdk-lib';

/**
 * The feature flags every scenario synthesizes with: the recommended values of aws-cdk-lib
 * 2.257.0, pinned in a file next to the tests. They are applied after the runner's own context
 * (integ-runner injects the flags of *its* release), so upgrading the runner or aws-cdk-lib does
 * not churn the snapshots; flipping a flag is a deliberate edit of feature-flags.json.
 */
export const PINNED_FEATURE_FLAGS: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'feature-flags.json'), 'utf-8'),
);

/**
 * Context on top of the pinned flags that keeps snapshots free of machine-specific paths: no
 * stack traces in the metadata, and annotations stay annotations instead of also being
 * written (with absolute template paths) into policy-validation-report.json.
 */
export const SNAPSHOT_CONTEXT: Record<string, unknown> = {
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
  '@aws-cdk/core:annotationsInValidationReport': false,
};

/** Placeholders used whenever the corresponding environment variable is unset. */
export const PLACEHOLDERS = {
  hostedZoneId: 'Z0000000000000000000',
  zoneName: 'example.com',
  certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000000',
} as const;

/** Deploy-time settings of the scenarios. */
export interface IntegSettings {
  /** ID of a public hosted zone the scenarios create their records in. */
  readonly hostedZoneId: string;
  /** Name of that zone; each scenario serves `integ-<scenario>.<zoneName>`. */
  readonly zoneName: string;
  /** ARN of an existing certificate covering `*.<zoneName>`, in the deploy region (scenario 2). */
  readonly certificateArn: string;
}

/** Reads the deploy-time settings from the environment, falling back to placeholders. */
export function integSettings(env: NodeJS.ProcessEnv = process.env): IntegSettings {
  return {
    hostedZoneId: env.CDK_MASTODON_INTEG_HOSTED_ZONE_ID || PLACEHOLDERS.hostedZoneId,
    zoneName: env.CDK_MASTODON_INTEG_ZONE_NAME || PLACEHOLDERS.zoneName,
    certificateArn: env.CDK_MASTODON_INTEG_CERTIFICATE_ARN || PLACEHOLDERS.certificateArn,
  };
}

/** An App whose feature flags are pinned (they override the runner's context). */
export function integApp(outdir?: string): App {
  return new App({ outdir, postCliContext: { ...PINNED_FEATURE_FLAGS, ...SNAPSHOT_CONTEXT } });
}

/**
 * An environment-agnostic test stack (no `env`: nothing is looked up) whose every resource is
 * deleted with the stack, log groups, secrets and the flow log's group included.
 */
export function integStack(app: App, id: string, description: string): Stack {
  const stack = new Stack(app, id, { description });
  RemovalPolicies.of(stack).destroy();
  return stack;
}
