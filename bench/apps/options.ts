/**
 * Knobs shared by the benchmark apps, read from the environment so that one compiled app can be
 * synthesized in several configurations without recompiling.
 *
 * - `BENCH_PROFILE`: `default` (the library's defaults), `small` (what a hobby admin would pick) or
 *   `seed` (the configuration described in the seed write-up).
 * - `BENCH_WEB_MAX`: maximum size of the web fleet (growth study).
 * - `BENCH_READERS`: number of Aurora readers (growth study).
 * - `BENCH_AURORA_MAX_ACU`: Aurora Serverless v2 maximum capacity (growth study: a 50-host fleet
 *   needs more database connections than 5 ACU allow, which MastodonSocial checks).
 */
export type BenchProfile = 'default' | 'small' | 'seed';

export const PROFILES: ReadonlyArray<BenchProfile> = ['default', 'small', 'seed'];

export interface BenchOptions {
  readonly profile: BenchProfile;
  /** Web fleet maximum capacity; undefined means the profile's default. */
  readonly webMaxCapacity?: number;
  /** Aurora readers; undefined means the profile's default. */
  readonly auroraReaders?: number;
  /** Aurora Serverless v2 maximum ACU; undefined means the profile's default. */
  readonly auroraMaxCapacity?: number;
}

/** The domain and hosted zone every benchmark app uses. */
export const BENCH_DOMAIN = 'social.example.com';
export const BENCH_ZONE = { hostedZoneId: 'Z0000000000000EXAMPLE', zoneName: 'example.com' };

function intFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  }
  return n;
}

export function benchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const profile = (env.BENCH_PROFILE || 'default') as BenchProfile;
  if (!PROFILES.includes(profile)) {
    throw new Error(`BENCH_PROFILE must be one of ${PROFILES.join(', ')}, got '${profile}'`);
  }
  return {
    profile,
    webMaxCapacity: intFromEnv(env, 'BENCH_WEB_MAX'),
    auroraReaders: intFromEnv(env, 'BENCH_READERS'),
    auroraMaxCapacity: intFromEnv(env, 'BENCH_AURORA_MAX_ACU'),
  };
}
