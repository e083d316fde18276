import { CLUSTER_ENV, startCluster } from './postgres.ts';

/** vitest globalSetup: one throwaway cluster for the whole run; the forked workers inherit its URL. */
export default async function setup() {
  const cluster = await startCluster();
  process.env[CLUSTER_ENV] = cluster.url;
  return () => cluster.stop();
}
