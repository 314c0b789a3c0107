/**
 * The corpus against a real kube-apiserver: every generated valid workload
 * (test/support/arbitraries.ts, fixed seed) is accepted by server-side dry-run with strict
 * field validation and without a warning, in one namespace, after the CRDs are installed.
 * Invalid workloads never reach a server (they fail at synth): the fast tier checks their
 * exact messages (test/corpus.test.ts).
 */
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { TZDATA_NAMES } from '../../src/schedule/tz-names';
import { buildWorkload, validSpec, WorkloadSpec } from '../support/arbitraries';
import { installBatchCrds } from './support/crds';
import { applyServerDryRun, createNamespace, deleteNamespace, KubectlError } from './support/rig';

const SEED = 20261123;
const VALID_COUNT = 520;
const BATCH_SIZE = 50;


function synthSpec(spec: WorkloadSpec): any[] {
  const chart = Testing.chart();
  chart.node.setContext('cdk8s-batch.dev/controller', 'external');
  buildWorkload(chart, spec);
  return Testing.synth(chart);
}

interface Rejection { readonly spec: WorkloadSpec; readonly object: string; readonly message: string }

let ns: string;

beforeAll(async () => {
  await installBatchCrds();
  ns = await createNamespace('e2e-corpus');
});

afterAll(() => {
  if (ns) deleteNamespace(ns);
});

test(`${VALID_COUNT} valid specs are accepted by server-side dry-run (batches of ${BATCH_SIZE} objects)`, () => {
  // Unique construct ids (so generated run names differ) and unique kind/name pairs in the
  // one namespace: a spec whose objects collide with an earlier one is skipped.
  const seen = new Set<string>();
  const corpus: Array<{ spec: WorkloadSpec; object: any }> = [];
  let specs = 0;
  const samples = fc.sample(fc.nat().chain((n) => validSpec(`w${n}`)), { seed: SEED, numRuns: VALID_COUNT * 2 });
  for (const [i, sample] of samples.entries()) {
    if (specs >= VALID_COUNT) break;
    const spec = { ...sample, id: `w${i}` };
    const objects = synthSpec(spec).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
    const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    if (keys.some((k) => seen.has(k)) || new Set(keys).size !== keys.length) continue;
    keys.forEach((k) => seen.add(k));
    objects.forEach((object) => corpus.push({ spec, object }));
    specs++;
  }
  expect(specs).toBe(VALID_COUNT);

  const rejections: Rejection[] = [];
  for (let start = 0; start < corpus.length; start += BATCH_SIZE) {
    const batch = corpus.slice(start, start + BATCH_SIZE);
    try {
      applyServerDryRun(batch.map((c) => c.object), ns);
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      // Find the culprits one by one, so the report names each spec and the apiserver's message.
      for (const { spec, object } of batch) {
        try {
          applyServerDryRun(object, ns);
        } catch (err) {
          rejections.push({ spec, object: `${object.kind}/${object.metadata.name}`, message: (err as Error).message });
        }
      }
    }
  }
  // Anything our constructs accept and the apiserver rejects is a bug in cdk8s-batch.
  expect(rejections).toEqual([]);
  const kinds = new Map<string, number>();
  corpus.forEach(({ object }) => kinds.set(object.kind, (kinds.get(object.kind) ?? 0) + 1));
  // eslint-disable-next-line no-console
  console.log(`corpus: ${specs} specs, ${corpus.length} objects sent in ${Math.ceil(corpus.length / BATCH_SIZE)} dry-runs:`,
    Object.fromEntries(kinds));
});

test('every time zone TimeZone.of() accepts is accepted by the apiserver as spec.timeZone', () => {
  const zones = [...TZDATA_NAMES, ...Array.from({ length: 14 }, (_, i) => `UTC+${i + 1}`), ...Array.from({ length: 12 }, (_, i) => `UTC-${i + 1}`)];
  const objects = zones.map((zone, i) => {
    const spec: WorkloadSpec = { kind: 'ScheduledBatch', id: 'x', name: `tz-${i}`, schedule: { factory: 'cron', expression: 'H H * * *' }, timeZone: zone };
    const [cron] = synthSpec(spec);
    return { ...cron, metadata: { ...cron.metadata, namespace: ns } };
  });
  const rejected: string[] = [];
  for (let start = 0; start < objects.length; start += 200) {
    const batch = objects.slice(start, start + 200);
    try {
      applyServerDryRun(batch, ns);
    } catch {
      for (const o of batch) {
        try {
          applyServerDryRun(o, ns);
        } catch (e) {
          rejected.push(`${o.spec.timeZone}: ${(e as Error).message}`);
        }
      }
    }
  }
  expect(rejected).toEqual([]);
  expect(objects.length).toBeGreaterThan(500);
});
