import { MastodonVersion } from '../../src';

describe('MastodonVersion', () => {
  test('the default is the newest known line at its pinned patch', () => {
    expect(MastodonVersion.latest().version).toBe('4.5.11');
    expect(MastodonVersion.latest().imageTag).toBe('v4.5.11');
  });

  test.each([
    ['4.3.1', ['default', 'push', 'ingress', 'mailers', 'pull', 'scheduler'], 12, '4.0'],
    ['4.4.3', ['default', 'push', 'ingress', 'mailers', 'pull', 'scheduler', 'fasp'], 13, '6.2'],
    ['4.5.11', ['default', 'push', 'ingress', 'mailers', 'pull', 'scheduler', 'fasp'], 14, '7.0'],
  ])('%s has its queues and minimums from the one version table', (v, queues, pg, redis) => {
    const version = MastodonVersion.of(v);
    expect(version.sidekiqQueueNames).toEqual(queues);
    expect(version.minPostgresMajor).toBe(pg);
    expect(version.minRedisVersion).toBe(redis);
    expect(version.sidekiqQueuesWithoutScheduler().map((q) => q.name)).toEqual(
      queues.filter((q) => q !== 'scheduler'),
    );
  });

  test('weights are those of Mastodon sidekiq.yml', () => {
    const weights = Object.fromEntries(MastodonVersion.V4_5.sidekiqQueues().map((q) => [q.name, q.weight]));
    expect(weights).toEqual({ default: 8, push: 6, ingress: 4, mailers: 2, pull: 1, scheduler: 1, fasp: 1 });
  });

  test('only 4.3 still reads OTP_SECRET', () => {
    expect(MastodonVersion.V4_3.readsOtpSecret).toBe(true);
    expect(MastodonVersion.V4_4.readsOtpSecret).toBe(false);
  });

  test('PostgreSQL problems: below the minimum and the 14.0-14.3 hole of 4.3', () => {
    expect(MastodonVersion.V4_5.postgresProblem('13.9')).toBe('Mastodon 4.5.11 needs PostgreSQL 14 or newer');
    expect(MastodonVersion.V4_3.postgresProblem('14.2')).toBe(
      'Mastodon 4.3.1 does not support PostgreSQL 14.0 to 14.3',
    );
    expect(MastodonVersion.V4_3.postgresProblem('14.6')).toBeUndefined();
    expect(MastodonVersion.V4_5.postgresProblem('16.6')).toBeUndefined();
  });

  test('a leading v is accepted and a newer line takes the newest known facts', () => {
    const v = MastodonVersion.of('v4.6.0');
    expect(v.version).toBe('4.6.0');
    expect(v.isNewerThanKnownLines).toBe(true);
    expect(v.minPostgresMajor).toBe(14);
  });

  test.each([
    [
      '4.5',
      "mastodonVersion '4.5' is not an exact Mastodon release: give MAJOR.MINOR.PATCH, e.g. MastodonVersion.of('4.5.11'), or use MastodonVersion.V4_5",
    ],
    [
      'latest',
      "mastodonVersion 'latest' is not an exact Mastodon release: give MAJOR.MINOR.PATCH, e.g. MastodonVersion.of('4.5.11'), or use MastodonVersion.V4_5",
    ],
    [
      '4.2.10',
      "mastodonVersion '4.2.10' is older than 4.3, the oldest release line this library supports: upgrade Mastodon to 4.3 or newer first (see https://docs.joinmastodon.org/admin/upgrading/)",
    ],
  ])('MastodonVersion.of(%s) is refused', (input, message) => {
    expect(() => MastodonVersion.of(input)).toThrow(message);
  });
});
