/**
 * `max_connections` of Aurora PostgreSQL Serverless v2 by the cluster's maximum capacity.
 *
 * Source: Amazon Aurora User Guide, "Performance and scaling for Aurora Serverless v2",
 * section "Maximum connections for Aurora Serverless v2"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html#aurora-serverless-v2.max-connections).
 * Aurora derives `max_connections` from the memory of the maximum ACU setting; AWS documents
 * these points, and the value is capped at 5,000.
 */
const DOCUMENTED_MAX_CONNECTIONS: ReadonlyArray<{ readonly maxAcu: number; readonly connections: number }> = [
  { maxAcu: 1, connections: 189 },
  { maxAcu: 4, connections: 823 },
  { maxAcu: 8, connections: 1669 },
  { maxAcu: 16, connections: 3360 },
  { maxAcu: 32, connections: 5000 },
];

/**
 * The documented `max_connections` for a maximum capacity, taking the largest documented point
 * at or below it (conservative between points: 5 ACU counts as 4).
 */
export function auroraServerlessV2MaxConnections(maxAcu: number): number {
  let result = DOCUMENTED_MAX_CONNECTIONS[0].connections;
  for (const point of DOCUMENTED_MAX_CONNECTIONS) {
    if (maxAcu >= point.maxAcu) result = point.connections;
  }
  return result;
}

/** Connections Aurora keeps for itself and for administrators (rdsadmin, superuser reserve). */
export const AURORA_RESERVED_CONNECTIONS = 3;
