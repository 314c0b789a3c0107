import { ApiObject, App, Chart, Duration, IResolver, JsonPatch, Lazy, ResolutionContext, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IntOrString, Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import { PlainApiObject } from '../../src/kube/plain-api-object';
import { plainJson } from '../../src/kube/plain-json';
import { PodTemplate } from '../../src/workloads/pod-template';

/** A spec with every kind of value cdk8s resolves: Lazy (also nested), implicit tokens, number-or-string unions, nulls. */
function richSpec(): Record<string, unknown> {
  return {
    zeta: 'last',
    alpha: Lazy.any({ produce: () => ({ b: 2, a: [1, Lazy.any({ produce: () => 'nested' }), null] }) }),
    quantity: Quantity.fromString('512Mi'),
    port: IntOrString.fromNumber(8080),
    token: { resolve: () => ({ resolved: true, gone: undefined }) },
    nothing: null,
    empty: {},
    list: [],
    flags: [true, false, 0, ''],
  };
}

describe('PlainApiObject', () => {
  test('writes exactly what ApiObject writes, for every kind of value cdk8s resolves', () => {
    const chart = Testing.chart();
    const props = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'same', labels: { b: '2', a: '1' }, annotations: {} } };
    const plain = new PlainApiObject(chart, 'plain', { ...props, spec: richSpec() });
    const reference = new ApiObject(Testing.chart(), 'reference', { ...props, spec: richSpec() });
    expect(plain.toJson()).toEqual(reference.toJson());
    expect(JSON.stringify(plain.toJson())).toEqual(JSON.stringify(reference.toJson()));
  });

  test('applies JSON patches and keeps apiVersion, kind and metadata first, as ApiObject does', () => {
    const props = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' }, data: { a: '1' } };
    const patches = [JsonPatch.add('/data/b', '2'), JsonPatch.add('/aaa', 'added')];
    const plain = new PlainApiObject(Testing.chart(), 'patched', props);
    const reference = new ApiObject(Testing.chart(), 'patched', props);
    plain.addJsonPatch(...patches);
    reference.addJsonPatch(...patches);
    expect(JSON.stringify(plain.toJson())).toEqual(JSON.stringify(reference.toJson()));
    expect(Object.keys(plain.toJson())).toEqual(['apiVersion', 'kind', 'metadata', 'data', 'aaa']);
    expect(plain.toJson().data).toEqual({ a: '1', b: '2' });
  });

  test('keeps key order as written when CDK8S_DISABLE_SORT is set, as ApiObject does', () => {
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const props = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'u' }, data: { z: '1', a: '2' } };
      const plain = new PlainApiObject(Testing.chart(), 'unsorted', props).toJson();
      const reference = new ApiObject(Testing.chart(), 'unsorted', props).toJson();
      expect(JSON.stringify(plain)).toEqual(JSON.stringify(reference));
      expect(Object.keys(plain.data)).toEqual(['z', 'a']);
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('in an app with resolvers of its own, every value goes through them', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (typeof context.value === 'string' && context.value.startsWith('shout:')) {
          context.replaceValue(context.value.slice('shout:'.length).toUpperCase());
        }
      }
    }
    const app = new App({ resolvers: [new Upper()] });
    const chart = new Chart(app, 'c');
    const obj = new PlainApiObject(chart, 'loud', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'l' }, data: { a: 'shout:hello' } });
    expect(obj.toJson().data).toEqual({ a: 'HELLO' });
  });

  test('names the construct when a value cannot be rendered, as ApiObject does', () => {
    const chart = Testing.chart();
    const obj = new PlainApiObject(chart, 'bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { when: new Date(0) } });
    expect(() => obj.toJson()).toThrow(`Failed serializing construct at path '${obj.node.path}' with name 'b': Error: can't render non-simple object of type 'Date'`);
  });
});

describe('plainJson', () => {
  test('with filterEmpty, drops empty objects and arrays at any depth, as ApiObjectMetadataDefinition.toJson() does', () => {
    expect(plainJson({ a: {}, b: [], c: { d: { e: [] } }, f: 'x' }, true)).toEqual({ f: 'x' });
    expect(plainJson({ a: {} }, true)).toBeUndefined();
  });
});

describe('PodTemplate.render', () => {
  test('is the pod template cdk8s-plus-27\'s Job emits (without its selector label), for a pod using much of the vocabulary', () => {
    const chart = Testing.chart();
    const configMap = new kplus.ConfigMap(chart, 'cm', { data: { k: 'v' } });
    const secret = new kplus.Secret(chart, 'secret', { stringData: { password: 'p' } });
    const volume = kplus.Volume.fromEmptyDir(chart, 'scratch', 'scratch', { sizeLimit: Size.mebibytes(64) });
    const props = {
      // cdk8s-plus-27 overwrites its selector label with its own, and the render drops it.
      podMetadata: { labels: { 'team': 'data', 'cdk8s.io/metadata.addr': 'mine' }, annotations: { note: 'n' } },
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'runner'),
      securityContext: { user: 1000, group: 2000, fsGroup: 3000 },
      terminationGracePeriod: Duration.seconds(45),
      restartPolicy: kplus.RestartPolicy.ON_FAILURE,
      volumes: [volume],
    };
    const containers: kplus.ContainerProps[] = [{
      name: 'main',
      image: 'registry.example/app:1.0',
      command: ['/bin/app'],
      args: ['--flag', 'value'],
      workingDir: '/work',
      portNumber: 8080,
      envVariables: { A: kplus.EnvValue.fromValue('1'), B: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) },
      envFrom: [kplus.Env.fromConfigMap(configMap)],
      resources: {
        cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
        memory: { request: Size.mebibytes(128), limit: Size.gibibytes(1) },
      },
      securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: false, user: 1000 },
      liveness: kplus.Probe.fromCommand(['true'], { periodSeconds: Duration.seconds(20) }),
      volumeMounts: [{ path: '/scratch', volume }],
    }];
    const initContainers: kplus.ContainerProps[] = [{
      name: 'prepare', image: 'registry.example/prep:1.0', args: ['x'], resources: { memory: { request: Size.mebibytes(64) } },
    }];
    const template = new PodTemplate(chart, { ...props, containers, initContainers });
    const job = new kplus.Job(Testing.chart(), 'reference', { ...props, automountServiceAccountToken: false, containers, initContainers });
    const reference = ApiObject.of(job).toJson().spec.template;
    delete reference.metadata.labels['cdk8s.io/metadata.addr'];
    // PodTemplate gives containers without resources the batch default; these all set them.
    expect(template.render()).toEqual(reference);
  });
});
