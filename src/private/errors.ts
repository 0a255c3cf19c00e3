import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Builds the one error shape every check of this library uses: where (construct path), what
 * (prop and the value received), why it cannot work, and what to do instead.
 */
export function invalidProp(
  scope: IConstruct,
  prop: string,
  value: unknown,
  why: string,
  fix: string,
): Error {
  return new Error(`${scope.node.path}: ${prop} is ${describe(value)}: ${why}. ${fix}`);
}

/** The same shape for checks that concern the construct as a whole rather than one prop. */
export function invalidConfiguration(scope: IConstruct, what: string, why: string, fix: string): Error {
  return new Error(`${scope.node.path}: ${what}: ${why}. ${fix}`);
}

/**
 * Refuses tokens for props whose value an invariant needs at synth time. `values` maps each
 * prop's name (as the user writes it) to its value; `undefined` values are skipped.
 */
export function requireLiterals(
  scope: IConstruct,
  values: { [prop: string]: number | undefined },
  needs: string,
): void {
  for (const [prop, value] of Object.entries(values)) {
    if (value !== undefined && Token.isUnresolved(value)) {
      throw invalidProp(scope, prop, 'a token', `${needs} at synth time`, 'Pass a literal number');
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return String(value);
}
