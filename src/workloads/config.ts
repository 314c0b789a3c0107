import { createHash } from 'crypto';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { workloadLabel } from '../contract/labels';

/**
 * The config ConfigMap of a workload: immutable, and named after its content, so that a
 * change is a new ConfigMap that new runs pick up while running ones keep the old one
 * (kustomize's configMapGenerator does the same).
 */
export function configMapForWorkload(
  scope: Construct,
  workloadName: string,
  namespace: string | undefined,
  data: Record<string, string>,
): kplus.ConfigMap {
  return new kplus.ConfigMap(scope, 'Config', {
    metadata: {
      name: `${workloadName}-config-${contentHash(data)}`,
      namespace,
      labels: workloadLabel(workloadName),
    },
    data: sortedCopy(data),
    immutable: true,
  });
}

/** Ten hex digits of SHA-256 over the sorted key/value pairs. */
export function contentHash(data: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const [key, value] of Object.entries(sortedCopy(data))) {
    hash.update(`${key.length}:${key}${Buffer.byteLength(value)}:${value}`);
  }
  return hash.digest('hex').slice(0, 10);
}

function sortedCopy(data: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(data).sort()) {
    out[key] = data[key];
  }
  return out;
}
