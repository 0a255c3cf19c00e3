/** Options of {@link InstallMode.fromSource}. */
export interface FromSourceInstallOptions {
  /**
   * Mastodon's checkout on the image.
   *
   * @default '/home/mastodon/live'
   */
  readonly liveDirectory?: string;
  /**
   * The user Mastodon runs as.
   *
   * @default 'mastodon'
   */
  readonly user?: string;
  /**
   * Directory of the rbenv shims (`bundle`).
   *
   * @default '/home/mastodon/.rbenv/shims'
   */
  readonly rubyShimsDirectory?: string;
}

/** How Mastodon gets onto a host. */
export class InstallMode {
  /** The official container images, run as systemd-managed containers. The default. */
  public static containers(): InstallMode {
    return new InstallMode('containers', {});
  }

  /** Your own AMI built with Mastodon's "Installing from source" guide. */
  public static fromSource(options: FromSourceInstallOptions = {}): InstallMode {
    return new InstallMode('from-source', options);
  }

  /** `containers` or `from-source`. */
  public readonly kind: string;
  /** Mastodon's checkout (from-source only). */
  public readonly liveDirectory: string;
  /** The user Mastodon runs as (from-source only). */
  public readonly user: string;
  /** Directory of the rbenv shims (from-source only). */
  public readonly rubyShimsDirectory: string;

  private constructor(kind: string, options: FromSourceInstallOptions) {
    this.kind = kind;
    this.liveDirectory = options.liveDirectory ?? '/home/mastodon/live';
    this.user = options.user ?? 'mastodon';
    this.rubyShimsDirectory = options.rubyShimsDirectory ?? '/home/mastodon/.rbenv/shims';
  }
}
