/**
 * Installs cdk8s-batch's CRDs (as the BatchController emits them) on the rig and waits until
 * the API server serves them.
 */
import { Testing } from 'cdk8s';
import { apply, getObject, waitFor } from './rig';
import { BatchCustomResourceDefinitions } from '../../../src';

export function crdManifests(): any[] {
  const chart = Testing.chart();
  new BatchCustomResourceDefinitions(chart, 'crds');
  return Testing.synth(chart);
}

export async function installBatchCrds(): Promise<void> {
  const crds = crdManifests();
  apply(crds);
  for (const crd of crds) {
    await waitFor(() => {
      const got = getObject('crd', crd.metadata.name);
      return (got?.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True') ? got : undefined;
    }, 30_000, { description: `CRD ${crd.metadata.name} established` });
  }
}
