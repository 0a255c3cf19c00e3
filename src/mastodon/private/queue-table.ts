import { SidekiqQueue } from '../sidekiq-queue';

/** The queue that must run in exactly one Sidekiq process of a deployment. */
export const SCHEDULER_QUEUE = 'scheduler';

/**
 * Every queue Mastodon has had, with the release line that introduced it. The one table that
 * every queue list of the library is derived from.
 */
export const QUEUE_TABLE: ReadonlyArray<SidekiqQueue & { readonly since: string }> = [
  { name: 'default', weight: 8, since: '1.0' },
  { name: 'push', weight: 6, since: '1.0' },
  { name: 'ingress', weight: 4, since: '4.0' },
  { name: 'mailers', weight: 2, since: '1.0' },
  { name: 'pull', weight: 1, since: '1.0' },
  { name: SCHEDULER_QUEUE, weight: 1, since: '1.0' },
  { name: 'fasp', weight: 1, since: '4.4' },
];

/** Renders Sidekiq's queue flags with weights: `-q default,8 -q push,6 ...`. */
export function sidekiqQueueFlags(queues: ReadonlyArray<SidekiqQueue>): string {
  return queues.map((q) => `-q ${q.name},${q.weight}`).join(' ');
}
