import { benchOptionsFromEnv } from '../../bench/apps/options';
import { moduleOf, summarizeCpuProfile } from '../../bench/harness/profile';

describe('benchmark app options', () => {
  test('defaults to the default profile with nothing overridden', () => {
    expect(benchOptionsFromEnv({})).toEqual({
      profile: 'default',
      webMaxCapacity: undefined,
      auroraReaders: undefined,
      auroraMaxCapacity: undefined,
    });
  });

  test('reads the growth study settings', () => {
    expect(
      benchOptionsFromEnv({
        BENCH_PROFILE: 'seed',
        BENCH_WEB_MAX: '50',
        BENCH_READERS: '3',
        BENCH_AURORA_MAX_ACU: '16',
      }),
    ).toEqual({ profile: 'seed', webMaxCapacity: 50, auroraReaders: 3, auroraMaxCapacity: 16 });
  });

  test.each([
    [{ BENCH_PROFILE: 'huge' }, /BENCH_PROFILE must be one of default, small, seed, got 'huge'/],
    [{ BENCH_WEB_MAX: '2.5' }, /BENCH_WEB_MAX must be a non-negative integer, got '2.5'/],
    [{ BENCH_READERS: '-1' }, /BENCH_READERS must be a non-negative integer/],
  ])('refuses %j', (env, message) => {
    expect(() => benchOptionsFromEnv(env)).toThrow(message);
  });
});

describe('CPU profile summary', () => {
  const root = '/repo';

  test.each([
    ['', '(native / idle / gc)'],
    ['node:internal/modules/cjs/loader', '(node internals)'],
    ['file:///repo/node_modules/aws-cdk-lib/aws-ec2/lib/vpc.js', 'aws-cdk-lib/aws-ec2'],
    [
      'file:///repo/node_modules/@aws-cdk/cloud-assembly-schema/lib/index.js',
      '@aws-cdk/cloud-assembly-schema',
    ],
    ['file:///repo/node_modules/constructs/lib/construct.js', 'constructs'],
    [
      'file:///repo/node_modules/.cache/cdk-mastodon-bench/out/src/data/mastodon-database.js',
      'cdk-mastodon src/data',
    ],
    ['file:///repo/node_modules/.cache/cdk-mastodon-bench/out/src/index.js', 'cdk-mastodon src'],
  ])('%s belongs to %s', (url, expected) => {
    expect(moduleOf(url, root)).toBe(expected);
  });

  test('adds self time by module and by function', () => {
    const profile = {
      nodes: [
        {
          id: 1,
          callFrame: {
            functionName: 'synth',
            url: 'file:///repo/node_modules/aws-cdk-lib/core/lib/stage.js',
            lineNumber: 1,
          },
        },
        { id: 2, callFrame: { functionName: '', url: 'node:fs', lineNumber: 1 } },
      ],
      samples: [1, 1, 2],
      timeDeltas: [1000, 3000, 2000],
    };
    const md = summarizeCpuProfile(profile, root, 5);
    expect(md).toContain('| aws-cdk-lib/core | 4.0 | 66.7 |');
    expect(md).toContain('| (anonymous) — (node internals) | 2.0 | 33.3 |');
  });
});
