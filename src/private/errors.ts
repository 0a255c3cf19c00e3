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

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return String(value);
}
