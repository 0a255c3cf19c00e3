import { QUEUE_TABLE, SCHEDULER_QUEUE } from './private/queue-table';
import { SidekiqQueue } from './sidekiq-queue';
import { compareVersions } from '../private/versions';

/** What one Mastodon release line needs from its environment. */
interface ReleaseLine {
  readonly line: string;
  /** Newest patch release of the line whose official images this library has verified. */
  readonly pinnedPatch: string;
  readonly minPostgresMajor: number;
  /** PostgreSQL versions the line refuses even though they are above the minimum. */
  readonly excludedPostgres?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  readonly minRedis: string;
  /** The date (YYYY-MM-DD) until which the Mastodon team supports the line, if announced. */
  readonly supportedUntil?: string;
  /** Whether the version still reads `OTP_SECRET` (4.3's post-deploy migration does). */
  readonly readsOtpSecret: boolean;
  /** Whether the Mastodon team has stopped publishing security fixes for the line. */
  readonly endOfLife?: boolean;
}

/**
 * The version table: Mastodon's documented minimums per release line (see MASTODON.md in the
 * repository's reference material). Ordered oldest first.
 */
const RELEASE_LINES: ReadonlyArray<ReleaseLine> = [
  {
    line: '4.3',
    pinnedPatch: '4.3.1',
    minPostgresMajor: 12,
    excludedPostgres: [{ from: '14.0', to: '14.3' }],
    minRedis: '4.0',
    readsOtpSecret: true,
    endOfLife: true,
  },
  {
    line: '4.4',
    pinnedPatch: '4.4.3',
    minPostgresMajor: 13,
    minRedis: '6.2',
    supportedUntil: '2026-12-17',
    readsOtpSecret: false,
  },
  {
    line: '4.5',
    pinnedPatch: '4.5.11',
    minPostgresMajor: 14,
    minRedis: '7.0',
    supportedUntil: '2027-02-20',
    readsOtpSecret: false,
  },
];

/**
 * A Mastodon release, pinned to an exact version of the official images.
 *
 * Everything that depends on the version (the Sidekiq queues every deployment must serve, the
 * minimum PostgreSQL and Redis versions, whether the streaming server has its own image) is
 * derived from this one value.
 */
export class MastodonVersion {
  /** Mastodon 4.3 (no longer supported by the Mastodon team; upgrade). */
  public static readonly V4_3 = MastodonVersion.of('4.3.1');
  /** Mastodon 4.4 (supported until 2026-12-17). */
  public static readonly V4_4 = MastodonVersion.of('4.4.3');
  /** Mastodon 4.5, the newest release line this library knows. */
  public static readonly V4_5 = MastodonVersion.of('4.5.11');

  /** The newest release line this library knows, at its pinned patch release. */
  public static latest(): MastodonVersion {
    return MastodonVersion.V4_5;
  }

  /**
   * A specific Mastodon release, e.g. `MastodonVersion.of('4.5.2')`.
   *
   * Lines older than 4.3 are refused (this library relies on the separate streaming image and
   * the Active Record encryption keys that 4.3 introduced). A line newer than the ones the
   * library knows is accepted with the requirements of the newest known line.
   *
   * @param version an exact `MAJOR.MINOR.PATCH` release, with or without a leading `v`
   */
  public static of(version: string): MastodonVersion {
    const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
    if (!match) {
      throw new Error(
        `mastodonVersion '${version}' is not an exact Mastodon release: give MAJOR.MINOR.PATCH, e.g. MastodonVersion.of('4.5.11'), or use MastodonVersion.V4_5`,
      );
    }
    const exact = `${match[1]}.${match[2]}.${match[3]}`;
    const line = `${match[1]}.${match[2]}`;
    const oldest = RELEASE_LINES[0];
    if (compareVersions(line, oldest.line) < 0) {
      throw new Error(
        `mastodonVersion '${version}' is older than ${oldest.line}, the oldest release line this library supports: upgrade Mastodon to ${oldest.line} or newer first (see https://docs.joinmastodon.org/admin/upgrading/)`,
      );
    }
    const known = RELEASE_LINES.find((l) => l.line === line);
    return new MastodonVersion(
      exact,
      line,
      known ?? RELEASE_LINES[RELEASE_LINES.length - 1],
      known === undefined,
    );
  }

  /** The exact release, e.g. `4.5.11`. */
  public readonly version: string;
  /** The release line, e.g. `4.5`. */
  public readonly releaseLine: string;
  /** The tag of the official container images, e.g. `v4.5.11`. */
  public readonly imageTag: string;
  /** The lowest PostgreSQL major version this release supports. */
  public readonly minPostgresMajor: number;
  /** The lowest Redis version this release supports, e.g. `7.0`. */
  public readonly minRedisVersion: string;
  /** Whether this release still reads `OTP_SECRET`. */
  public readonly readsOtpSecret: boolean;
  /** The date (YYYY-MM-DD) until which the Mastodon team supports this line, if known. */
  public readonly supportedUntil?: string;
  /**
   * Whether the release line is newer than the lines this library knows; the requirements of
   * the newest known line are assumed.
   */
  public readonly isNewerThanKnownLines: boolean;
  /** Whether the Mastodon team no longer publishes security fixes for this line. */
  public readonly isEndOfLife: boolean;

  private readonly excludedPostgres: ReadonlyArray<{ readonly from: string; readonly to: string }>;

  private constructor(version: string, releaseLine: string, facts: ReleaseLine, unknownLine: boolean) {
    this.version = version;
    this.releaseLine = releaseLine;
    this.imageTag = `v${version}`;
    this.minPostgresMajor = facts.minPostgresMajor;
    this.minRedisVersion = facts.minRedis;
    this.readsOtpSecret = facts.readsOtpSecret;
    this.supportedUntil = unknownLine ? undefined : facts.supportedUntil;
    this.isNewerThanKnownLines = unknownLine;
    this.isEndOfLife = !unknownLine && (facts.endOfLife ?? false);
    this.excludedPostgres = facts.excludedPostgres ?? [];
  }

  /** Every Sidekiq queue this release has, by name, with `scheduler` among them. */
  public get sidekiqQueueNames(): string[] {
    return this.sidekiqQueues().map((q) => q.name);
  }

  /** Every Sidekiq queue this release has, with Mastodon's weights. */
  public sidekiqQueues(): SidekiqQueue[] {
    return QUEUE_TABLE.filter((q) => compareVersions(this.releaseLine, q.since) >= 0).map((q) => ({
      name: q.name,
      weight: q.weight,
    }));
  }

  /** Every queue of this release except `scheduler`: what a web fleet host serves by default. */
  public sidekiqQueuesWithoutScheduler(): SidekiqQueue[] {
    return this.sidekiqQueues().filter((q) => q.name !== SCHEDULER_QUEUE);
  }

  /**
   * Why the given PostgreSQL version cannot run this release, or `undefined` if it can.
   *
   * @param postgresVersion a PostgreSQL version such as `16.6`
   */
  public postgresProblem(postgresVersion: string): string | undefined {
    const major = Number(postgresVersion.split('.')[0]);
    if (major < this.minPostgresMajor) {
      return `Mastodon ${this.version} needs PostgreSQL ${this.minPostgresMajor} or newer`;
    }
    for (const range of this.excludedPostgres) {
      if (
        compareVersions(postgresVersion, range.from) >= 0 &&
        compareVersions(postgresVersion, range.to) <= 0
      ) {
        return `Mastodon ${this.version} does not support PostgreSQL ${range.from} to ${range.to}`;
      }
    }
    return undefined;
  }
}
