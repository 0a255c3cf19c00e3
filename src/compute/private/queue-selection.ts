import { IConstruct } from 'constructs';
import { MastodonVersion } from '../../mastodon/mastodon-version';
import { SidekiqQueue } from '../../mastodon/sidekiq-queue';
import { invalidProp } from '../../private/errors';

/**
 * Resolves a host's queue names against the version table (weights come from the table),
 * refusing names the version does not have and duplicates.
 */
export function selectQueues(
  scope: IConstruct,
  version: MastodonVersion,
  names: string[] | undefined,
  defaults: SidekiqQueue[],
): SidekiqQueue[] {
  if (names === undefined) return defaults;
  const known = version.sidekiqQueues();
  if (names.length === 0) {
    throw invalidProp(
      scope,
      'sidekiqQueues',
      names,
      'a Sidekiq process needs at least one queue',
      'Leave sidekiqQueues unset to serve the defaults',
    );
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (!known.some((q) => q.name === name)) {
      throw invalidProp(
        scope,
        'sidekiqQueues',
        names,
        `Mastodon ${version.version} has no queue '${name}' (its queues: ${known.map((q) => q.name).join(', ')})`,
        'Use queue names from that list',
      );
    }
    if (seen.has(name)) {
      throw invalidProp(
        scope,
        'sidekiqQueues',
        names,
        `'${name}' is listed twice`,
        "List each queue once; weights come from Mastodon's sidekiq.yml",
      );
    }
    seen.add(name);
  }
  return known.filter((q) => seen.has(q.name));
}

/** Refuses a concurrency outside what one host can sensibly run. */
export function checkPositiveInteger(
  scope: IConstruct,
  prop: string,
  value: number,
  max: number,
  fix: string,
): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw invalidProp(scope, prop, value, `it must be a whole number from 1 to ${max}`, fix);
  }
}
