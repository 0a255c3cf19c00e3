import { Token } from 'aws-cdk-lib';

/** Options for hosts whose AMI has Mastodon installed with Mastodon's "Installing from source" guide. */
export interface FromSourceInstallOptions {
  /**
   * The directory Mastodon is checked out and built in.
   *
   * @default '/home/mastodon/live'
   */
  readonly liveDirectory?: string;

  /**
   * The Unix user that owns the installation and runs the Mastodon processes.
   *
   * @default 'mastodon'
   */
  readonly user?: string;

  /**
   * The directory holding the rbenv shims (`bundle`, `ruby`) of the user's Ruby.
   *
   * @default '/home/mastodon/.rbenv/shims'
   */
  readonly rubyShimsDirectory?: string;
}

const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/**
 * How Mastodon gets onto a host.
 *
 * - `InstallMode.containers()` (the default): the official images
 *   `ghcr.io/mastodon/mastodon` and `ghcr.io/mastodon/mastodon-streaming` run as
 *   systemd-managed containers on Amazon Linux 2023.
 * - `InstallMode.fromSource()`: bring your own AMI built with Mastodon's "Installing from
 *   source" guide; the library only writes configuration and systemd overrides.
 */
export class InstallMode {
  /**
   * Run the official container images with Docker from the distribution's packages.
   *
   * Needs an Amazon Linux 2023 AMI (the library's default) with the AWS CLI and cfn-init.
   */
  public static containers(): InstallMode {
    return new InstallMode('containers');
  }

  /**
   * Use a Mastodon installation that the AMI already contains.
   *
   * The AMI must provide the `mastodon-web`, `mastodon-streaming` and `mastodon-sidekiq`
   * systemd units of Mastodon's `dist/` folder, nginx, the AWS CLI, `jq`, `curl`, `openssl`
   * and cfn-init (`/opt/aws/bin/cfn-init`).
   */
  public static fromSource(options: FromSourceInstallOptions = {}): InstallMode {
    const liveDirectory = options.liveDirectory ?? '/home/mastodon/live';
    const user = options.user ?? 'mastodon';
    const rubyShimsDirectory = options.rubyShimsDirectory ?? '/home/mastodon/.rbenv/shims';
    for (const [prop, value] of [
      ['liveDirectory', liveDirectory],
      ['rubyShimsDirectory', rubyShimsDirectory],
    ]) {
      if (
        Token.isUnresolved(value) ||
        !ABSOLUTE_PATH.test(value) ||
        value.includes('//') ||
        value.includes('..')
      ) {
        throw new Error(
          `InstallMode.fromSource: ${prop} '${value}' must be a literal absolute path of letters, digits, '.', '_', '-' and '/': it is written into systemd units and shell scripts`,
        );
      }
    }
    if (Token.isUnresolved(user) || !UNIX_USER.test(user)) {
      throw new Error(
        `InstallMode.fromSource: user '${user}' is not a literal Unix user name (lower-case letters, digits, '_' and '-', at most 32 characters)`,
      );
    }
    return new InstallMode(
      'from-source',
      liveDirectory.replace(/\/$/, ''),
      user,
      rubyShimsDirectory.replace(/\/$/, ''),
    );
  }

  /** `containers` or `from-source`. */
  public readonly kind: string;
  /** The Mastodon checkout, when Mastodon is installed from source. */
  public readonly liveDirectory?: string;
  /** The Unix user that runs Mastodon, when Mastodon is installed from source. */
  public readonly user?: string;
  /** The rbenv shims directory, when Mastodon is installed from source. */
  public readonly rubyShimsDirectory?: string;

  private constructor(kind: string, liveDirectory?: string, user?: string, rubyShimsDirectory?: string) {
    this.kind = kind;
    this.liveDirectory = liveDirectory;
    this.user = user;
    this.rubyShimsDirectory = rubyShimsDirectory;
  }

  /** Whether the hosts run the official container images. */
  public get isContainers(): boolean {
    return this.kind === 'containers';
  }
}
