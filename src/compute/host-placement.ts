/**
 * Where the Mastodon hosts live in the VPC. Either way no inbound traffic from the internet
 * reaches them: only the load balancer talks to the web hosts, and operators use SSM Session
 * Manager.
 */
export enum HostPlacement {
  /**
   * Private subnets; outbound traffic (federation, image pulls, SMTP) leaves through a NAT
   * gateway. Hosts have no public address at all. The default; a NAT gateway costs about
   * USD 33 a month plus data processing.
   */
  PRIVATE_SUBNETS_WITH_NAT = 'PRIVATE_SUBNETS_WITH_NAT',
  /**
   * Public subnets with an auto-assigned public IPv4 address and a security group that admits
   * nothing from the internet (the seed architecture's way). No NAT gateway, but each host pays
   * for a public IPv4 address and is one security-group mistake away from exposure.
   */
  PUBLIC_SUBNETS_WITH_PUBLIC_IP = 'PUBLIC_SUBNETS_WITH_PUBLIC_IP',
}
