/**
 * What a host of the deployment does. Internal: the tier constructs choose the role, users never do.
 */
export enum HostRole {
  /** A web fleet host: Puma, streaming, nginx on 443, and Sidekiq with every queue but `scheduler`. */
  WEB = 'web',
  /** The one scheduler host: Sidekiq with every queue including `scheduler`, and the migrations. */
  SCHEDULER = 'scheduler',
}
