/**
 * The rig's real node (containerd + runc + CNI + kubelet): it runs real containers under the
 * `restricted` Pod Security Standard, takes only the pods that tolerate its taint, and gives
 * pods a network that reaches each other and the API server's service IP, nothing else.
 */
import { BUSYBOX_IMAGE, onRealNode, podLogs, REAL_NODE_KEY, REAL_NODE_VALUE, realNodeName } from './support/real-node';
import { apply, createNamespace, deleteNamespace, getObject, kubectl, waitFor } from './support/rig';

const RESTRICTED = {
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};
const CONTAINER_RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true };

function pod(name: string, script: string): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      securityContext: RESTRICTED,
      containers: [{
        name: 'main',
        image: BUSYBOX_IMAGE,
        command: ['sh', '-c', script],
        securityContext: CONTAINER_RESTRICTED,
        resources: { limits: { memory: '32Mi', cpu: '200m' } },
      }],
    },
  };
}

async function finished(ns: string, name: string): Promise<any> {
  return waitFor(() => {
    const p = getObject('pod', name, ns);
    return p?.status?.containerStatuses?.[0]?.state?.terminated ? p : undefined;
  }, 120_000, { description: `pod ${ns}/${name} terminated`, intervalMs: 1000 });
}

describe('real node', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createNamespace('e2e-real', { 'pod-security.kubernetes.io/enforce': 'restricted' });
  });
  afterAll(() => deleteNamespace(ns));

  test('is Ready, labelled and tainted so that only tolerating pods land on it', () => {
    const node = getObject('node', realNodeName());
    expect(node.metadata.labels[REAL_NODE_KEY]).toBe(REAL_NODE_VALUE);
    expect(node.spec.taints).toEqual([{ key: REAL_NODE_KEY, value: REAL_NODE_VALUE, effect: 'NoSchedule' }]);
    expect(node.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\/2\.\d+\.\d+$/);
    expect(node.status.nodeInfo.kubeletVersion).toMatch(/^v1\.\d+\.\d+$/);
  });

  test('runs a restricted pod for real: exit codes, logs, user, read-only root, pod network routes', async () => {
    apply(onRealNode([
      pod('ok', 'echo "hello from $(hostname)"; id -u; touch /x 2>/dev/null || echo read-only; ip route; exit 0'),
      pod('fails', 'echo about to fail; exit 7'),
    ]), ns);
    const ok = await finished(ns, 'ok');
    const fails = await finished(ns, 'fails');
    expect(ok.spec.nodeName).toBe(realNodeName());
    expect(ok.status.containerStatuses[0].state.terminated.exitCode).toBe(0);
    expect(fails.status.containerStatuses[0].state.terminated.exitCode).toBe(7);
    expect(podLogs(ns, 'fails')).toBe('about to fail\n');
    const lines = podLogs(ns, 'ok').trim().split('\n');
    expect(lines[0]).toBe('hello from ok');
    expect(lines[1]).toBe('65532'); // the image's user: runAsNonRoot holds
    expect(lines[2]).toBe('read-only');
    // Routes: the pod subnet and the API server's service IP, no default route.
    const routes = lines.slice(3);
    expect(routes.some((r) => r.startsWith('default'))).toBe(false);
    expect(routes).toContainEqual(expect.stringMatching(/^10\.96\.0\.1 via 10\.88\.\d+\.2 dev eth0/));
    expect(routes).toContainEqual(expect.stringMatching(/^10\.88\.\d+\.0\/24 dev eth0/));
  });

  test('pods without the toleration never land on it', async () => {
    // Only the real node runs this image; a pod that does not tolerate the taint but selects
    // the node stays Pending with the scheduler's reason.
    const p = pod('untolerated', 'true');
    p.spec.nodeSelector = { [REAL_NODE_KEY]: REAL_NODE_VALUE };
    apply(p, ns);
    const cond = await waitFor(() => getObject('pod', 'untolerated', ns)?.status?.conditions?.find((c: any) => c.type === 'PodScheduled' && c.status === 'False'),
      60_000, { description: 'PodScheduled=False' });
    expect(cond.reason).toBe('Unschedulable');
    expect(cond.message).toMatch(/1 node\(s\) had untolerated taint/);
    kubectl(['delete', 'pod', 'untolerated', '-n', ns, '--wait=false']);
  });
});
