/**
 * The companion controller as users deploy it: the BatchController construct's own
 * manifests, with the image built by controller/image/build.sh, running on the rig's real
 * node in a namespace that enforces Pod Security `restricted`, talking to the API server with
 * its ServiceAccount. Then it admits an Enqueue workload whose Jobs' pods really run.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { enqueueCronJob } from './controller-process';
import { BatchController } from '../../src';
import {
  BUSYBOX_IMAGE, buildControllerImage, controllerImageArchive, importImage, jobPods, maxConcurrent, onRealNode, runInterval, waitForJobFinished,
} from './support/real-node';
import { apply, createNamespace, deleteNamespace, getObject, kubectl, listObjects, waitFor } from './support/rig';

const IMAGE_REPOSITORY = 'cdk8s-batch.local/cdk8s-batch-controller';
const IMAGE_TAG = 'e2e';
const NAME = 'cdk8s-batch-controller';
// Both builds get the same timestamp even if a commit lands between them (the script's
// default is the last commit's time): the test is about same inputs, same digest.
const EPOCH = '1767225600';

describe('controller deployed by the BatchController construct on the real node', () => {
  const ns = `e2e-ctl-deployed-${Math.random().toString(36).slice(2, 7)}`;
  let workNs: string;
  let pod: any;
  let digest: string;
  let archive: string;

  beforeAll(async () => {
    archive = controllerImageArchive();
    digest = buildControllerImage(`${IMAGE_REPOSITORY}:${IMAGE_TAG}`, archive, EPOCH);
    importImage(archive);
    const chart = Testing.chart();
    new BatchController(chart, 'controller', { namespace: ns, replicas: 1, imageRepository: IMAGE_REPOSITORY, imageTag: IMAGE_TAG });
    // The construct's manifests as synthesized; the only change is where the pod may run
    // (the real node's toleration and label) and imagePullPolicy Never (no registry here).
    const objects = onRealNode(Testing.synth(chart));
    const first = objects.filter((o: any) => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition');
    apply(first);
    apply(objects.filter((o: any) => !first.includes(o)));
    workNs = await createNamespace('e2e-ctl-deployed-work');
  }, 900_000);

  afterAll(() => {
    if (archive) fs.rmSync(archive, { force: true });
    deleteNamespace(ns);
    if (workNs) deleteNamespace(workNs);
    for (const kind of ['clusterrole', 'clusterrolebinding']) kubectl(['delete', kind, NAME, '--ignore-not-found']);
  });

  test('the image build is reproducible, runs as non-root and has no shell', () => {
    const again = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ctl-image-')), 'again.tar');
    try {
      expect(buildControllerImage(`${IMAGE_REPOSITORY}:${IMAGE_TAG}`, again, EPOCH)).toBe(digest);
      expect(fs.readFileSync(again).equals(fs.readFileSync(archive))).toBe(true);
    } finally {
      fs.rmSync(path.dirname(again), { recursive: true, force: true });
    }
    const tar = (...args: string[]) => execFileSync('tar', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const index = JSON.parse(tar('-xOf', archive, 'index.json'));
    expect(index.manifests[0].digest).toBe(digest);
    const blob = (d: string) => `blobs/sha256/${d.slice('sha256:'.length)}`;
    const manifest = JSON.parse(tar('-xOf', archive, blob(digest)));
    const config = JSON.parse(tar('-xOf', archive, blob(manifest.config.digest)));
    expect(config.config.User).toBe('65532:65532');
    expect(config.config.Entrypoint).toEqual(['/nodejs/bin/node', '/app/dist/controller/src/main.js']);
    const files = manifest.layers.flatMap((l: any) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctl-layer-'));
      try {
        fs.writeFileSync(path.join(dir, 'l.tgz'), execFileSync('tar', ['-xOf', archive, blob(l.digest)], { maxBuffer: 512 * 1024 * 1024 }));
        return tar('-tzf', path.join(dir, 'l.tgz')).trim().split('\n');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
    expect(files).toContain('./nodejs/bin/node');
    expect(files).toContain('./app/node_modules/@kubernetes/client-node/package.json');
    expect(files.filter((f: string) => /^\.\/(usr\/)?s?bin\/(sh|bash|dash|busybox)$/.test(f))).toEqual([]);
    expect(files.filter((f: string) => f.includes('/test/') && f.startsWith('./app/dist/'))).toEqual([]);
  }, 900_000);

  test('its pod becomes Ready in a restricted namespace, serves its probes and holds the Lease', async () => {
    expect(getObject('namespace', ns).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    pod = await waitFor(() => listObjects('pods', ns, 'app.kubernetes.io/name=cdk8s-batch-controller')
      .find((p: any) => p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')),
    180_000, { description: 'controller pod Ready', intervalMs: 1000 });
    expect(pod.spec.containers[0].image).toBe(`${IMAGE_REPOSITORY}:${IMAGE_TAG}`);
    expect(pod.status.containerStatuses[0].restartCount).toBe(0);
    // The probes' endpoints on their own port, /metrics on its own, through the API server's
    // pod proxy (API server -> pod IP; the rig enforces no NetworkPolicy).
    const proxy = (port: number, p: string) => kubectl(['get', '--raw', `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}:${port}/proxy/${p}`]);
    expect(proxy(8081, 'healthz').trim()).toBe('ok');
    expect(JSON.parse(proxy(8081, 'readyz')).ready).toBe(true);
    expect(proxy(8080, 'metrics')).toMatch(/^cdk8s_batch_/m);
    expect(() => proxy(8081, 'metrics')).toThrow(/NotFound|not found|could not find/);
    // Leader election: the Lease in its own namespace names this pod (POD_NAME).
    const lease: any = await waitFor(() => getObject('lease', NAME, ns), 60_000, { description: 'Lease' });
    expect(lease.spec.holderIdentity).toBe(pod.metadata.name);
  });

  test('uses in-cluster credentials, and its RBAC is enough: nothing forbidden in its logs', () => {
    const lines = kubectl(['logs', '-n', ns, pod.metadata.name]).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.find((l) => l.msg === 'using in-cluster config')).toBeDefined();
    expect(lines.filter((l) => /forbidden/i.test(JSON.stringify(l)))).toEqual([]);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    // The same ServiceAccount token, as the API server sees it.
    expect(kubectl(['auth', 'can-i', 'update', 'leases', '-n', ns, `--as=system:serviceaccount:${ns}:${NAME}`]).trim()).toBe('yes');
  });

  test('admits a maxConcurrency 2 Enqueue workload whose pods run two at a time on the real node', async () => {
    const [cron] = onRealNode(enqueueCronJob('real-queue', { maxConcurrency: 2, runDuration: '0s' }), { '*': BUSYBOX_IMAGE });
    const spec = cron.spec.jobTemplate.spec.template.spec as any;
    // Each run takes 4 s of real time and prints when it ran.
    spec.containers[0].command = ['sh', '-c', 'echo "start $(date +%s)"; sleep 4; echo "end $(date +%s)"'];
    spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    spec.containers[0].securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    apply(cron, workNs);
    const names = ['q-1', 'q-2', 'q-3', 'q-4', 'q-5'];
    for (const name of names) kubectl(['create', 'job', name, '--from=cronjob/real-queue', '-n', workNs]);
    const jobs = [];
    for (const name of names) jobs.push(await waitForJobFinished(workNs, name, 240_000));
    expect(jobs.map((j) => j.status.succeeded)).toEqual([1, 1, 1, 1, 1]);
    // The pods' own clocks (their log lines) and the kubelet's container timestamps agree:
    // never more than two ran at once, and two did run together.
    const intervals = names.map((n) => runInterval(jobPods(workNs, n)[0]));
    expect(maxConcurrent(intervals)).toBe(2);
    for (const n of names) {
      const p = jobPods(workNs, n)[0];
      expect(p.spec.nodeName).toBe(pod.spec.nodeName);
      expect(kubectl(['logs', '-n', workNs, p.metadata.name])).toMatch(/^start \d+\nend \d+\n$/);
    }
    // Admitted by the deployed controller (its pod name is the Events' reporting instance).
    const admitted = JSON.parse(kubectl(['get', 'events', '-n', workNs, '--field-selector', 'reason=Admitted', '-o', 'json'])).items;
    expect(admitted.map((e: any) => e.involvedObject.name).sort()).toEqual(names);
    expect(admitted.every((e: any) => e.reportingInstance === pod.metadata.name)).toBe(true);
  });
});
