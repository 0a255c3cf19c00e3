/**
 * A Sidekiq queue of Mastodon, with the weight Mastodon's own `config/sidekiq.yml` gives it.
 *
 * Passing `-q` flags to Sidekiq replaces the weights of `config/sidekiq.yml`, so every host
 * passes `-q name,weight` for each queue it serves.
 */
export interface SidekiqQueue {
  /** Queue name, e.g. `default`. */
  readonly name: string;
  /** Relative weight Sidekiq uses when it polls the queues of one process. */
  readonly weight: number;
}
