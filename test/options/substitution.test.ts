import { BatchValidationError } from '../../src/errors';
import { Substitution, SubstitutionScopes } from '../../src/options';

const scopes: SubstitutionScopes = {
  options: { 'region': 'eu', 'date': '2026-03-08', 'my.opt-1': 'dotted', 'empty': '', 'sneaky': '${matrix.shard}' },
  matrix: { shard: '3', db: 'users' },
  workload: { name: 'nightly', namespace: 'batch' },
};

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (e) {
    if (e instanceof BatchValidationError) {
      return e.message;
    }
    throw e;
  }
  throw new Error('expected a BatchValidationError');
}

describe('Substitution.inText', () => {
  test.each<[string, string, string]>([
    ['an option', 'report --region=${option.region}', 'report --region=eu'],
    ['an option whose name holds dots and dashes', '${option.my.opt-1}', 'dotted'],
    ['an option rendered empty', '[${option.empty}]', '[]'],
    ['matrix values', 'shard-${matrix.shard}-of-${matrix.db}', 'shard-3-of-users'],
    ['workload name and namespace', '${workload.namespace}/${workload.name}', 'batch/nightly'],
    ['several references and text around them', 'a${option.region}b${matrix.shard}c', 'aeub3c'],
    ['a value holding ${...} is not substituted again', 'x=${option.sneaky}', 'x=${matrix.shard}'],
    ['Kubernetes $(VAR) stays for Kubernetes', 'echo $(JOB_COMPLETION_INDEX) ${option.region}', 'echo $(JOB_COMPLETION_INDEX) eu'],
    ['Kubernetes $$(VAR) escape stays for Kubernetes', 'echo $$(HOME)', 'echo $$(HOME)'],
    ['$${ writes a literal ${', 'literal $${option.region}', 'literal ${option.region}'],
    ['$$${ writes a $ before the value', 'price $$${option.region}', 'price $eu'],
    ['$$$${ writes a literal $${', '$$$${option.region}', '$${option.region}'],
    ['a lone $ and $$ are kept', 'cost: $5, pid $$', 'cost: $5, pid $$'],
    ['shell ${VAR} without a dot is left alone', 'echo ${HOME} ${1}', 'echo ${HOME} ${1}'],
    ['shell ${VAR%.txt} is left alone', 'mv "$f" "${f%.txt}.csv"', 'mv "$f" "${f%.txt}.csv"'],
    ['a reference inside shell syntax is substituted', 'echo ${REGION:-${option.region}}', 'echo ${REGION:-eu}'],
    ['a lone ${ without a scope is left alone', 'awk "{ print ${ }"', 'awk "{ print ${ }"'],
    ['text without references is unchanged', 'plain', 'plain'],
  ])('substitutes %s', (_, text, expected) => {
    expect(Substitution.inText(text, scopes)).toBe(expected);
  });

  test.each<[string, string, SubstitutionScopes, string]>([
    ['an undefined option', 'run ${option.regoin}', scopes,
      'text: refers to option "regoin", which is not defined (got "${option.regoin}"). Use one of the defined options "date", "empty", "my.opt-1", "region", "sneaky", or write $${option.regoin} to keep the text literally.'],
    ['an option when there are none', '${option.region}', {},
      'text: refers to option "region", which is not defined (got "${option.region}"). No options are defined here; define option "region", or write $${option.region} to keep the text literally.'],
    ['an undefined matrix key', '${matrix.Shard}', scopes,
      'text: refers to matrix key "Shard", which is not defined (got "${matrix.Shard}"). Use one of the defined matrix keys "db", "shard", or write $${matrix.Shard} to keep the text literally.'],
    ['an unavailable workload field', '${workload.uid}', scopes,
      'text: refers to workload field "uid", which is not defined (got "${workload.uid}"). Use one of the defined workload fields "name", "namespace", or write $${workload.uid} to keep the text literally.'],
    ['an unknown scope', 'x ${foo.bar} y', scopes,
      'text: refers to the unknown scope "foo" (got "${foo.bar}"). Use ${option.NAME}, ${matrix.KEY}, ${workload.name} or ${workload.namespace}; write $${foo.bar} to keep the text literally.'],
    ['a scope in the wrong case', '${Option.region}', scopes,
      'text: refers to the unknown scope "Option" (got "${Option.region}"). Use ${option.NAME}, ${matrix.KEY}, ${workload.name} or ${workload.namespace}; write $${Option.region} to keep the text literally.'],
    ['Furiko\'s job scope', '${job.name}', scopes,
      'text: refers to the unknown scope "job" (got "${job.name}"). Use ${option.NAME}, ${matrix.KEY}, ${workload.name} or ${workload.namespace}; write $${job.name} to keep the text literally.'],
    ['an empty key', '${option.}', { options: { a: '1' } },
      'text: refers to option "", which is not defined (got "${option.}"). Use one of the defined options "a", or write $${option.} to keep the text literally.'],
    ['an unclosed reference', 'echo ${option.region', scopes,
      'text: holds a reference that is never closed with "}" (got "${option.region"). Close the reference, e.g. ${option.NAME}, or write $${ for a literal "${".'],
    ['a key that is an Object.prototype member', '${option.constructor}', { options: {} },
      'text: refers to option "constructor", which is not defined (got "${option.constructor}"). No options are defined here; define option "constructor", or write $${option.constructor} to keep the text literally.'],
  ])('rejects %s', (_, text, given, message) => {
    expect(messageOf(() => Substitution.inText(text, given))).toBe(message);
  });

  test('names the given field', () => {
    expect(messageOf(() => Substitution.inText('${option.x}', {}, 'spec.containers[0].args[2]'))).toMatch(/^spec\.containers\[0\]\.args\[2\]: refers to option "x"/);
  });
});

describe('Substitution.inContainer', () => {
  const container = {
    name: 'main',
    image: 'registry.example/report:${option.region}',
    command: ['/bin/report', '${matrix.db}'],
    args: ['--date=${option.date}', '--job=$(JOB_NAME)'],
    env: [
      { name: 'REGION', value: '${option.region}' },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'SHARD', value: '${matrix.shard}' },
    ],
    envFrom: [{ configMapRef: { name: '${option.region}' } }],
    workingDir: '/${option.region}',
    volumeMounts: [{ name: 'cells', mountPath: '/cells', subPathExpr: '$(JOB_COMPLETION_INDEX)' }],
  };

  test('substitutes image, command, args and env values only', () => {
    expect(Substitution.inContainer(container, scopes)).toEqual({
      name: 'main',
      image: 'registry.example/report:eu',
      command: ['/bin/report', 'users'],
      args: ['--date=2026-03-08', '--job=$(JOB_NAME)'],
      env: [
        { name: 'REGION', value: 'eu' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'SHARD', value: '3' },
      ],
      envFrom: [{ configMapRef: { name: '${option.region}' } }],
      workingDir: '/${option.region}',
      volumeMounts: [{ name: 'cells', mountPath: '/cells', subPathExpr: '$(JOB_COMPLETION_INDEX)' }],
    });
  });

  test('option values are data: every $ is doubled in command, args and env, so the kubelet expands nothing', () => {
    const values: SubstitutionScopes = { options: { v: '$(DB_PASSWORD) $$(X) cost$', w: 'plain' }, matrix: { m: '$(M)' } };
    const given = {
      name: 'c',
      image: 'registry.example/app:${option.w}',
      command: ['sh', '-c', 'echo ${option.v}'],
      args: ['--v=${option.v}(HOME)', '--m=${matrix.m}', '--k=$(KEEP)'],
      env: [{ name: 'V', value: '${option.v}' }],
    };
    expect(Substitution.inContainer(given, values)).toEqual({
      name: 'c',
      image: 'registry.example/app:plain',
      command: ['sh', '-c', 'echo $$(DB_PASSWORD) $$$$(X) cost$$'],
      // A value ending in `$` cannot form `$(` with the text after it; matrix values are the author's and the
      // template's own `$(KEEP)` stays for the kubelet.
      args: ['--v=$$(DB_PASSWORD) $$$$(X) cost$$(HOME)', '--m=$(M)', '--k=$(KEEP)'],
      env: [{ name: 'V', value: '$$(DB_PASSWORD) $$$$(X) cost$$' }],
    });
    // Outside a container (inText) nothing expands the text: values stay as given.
    expect(Substitution.inText('${option.v}', values)).toBe('$(DB_PASSWORD) $$(X) cost$');
  });

  test('does not modify its input', () => {
    const before = JSON.stringify(container);
    Substitution.inContainer(container, scopes);
    expect(JSON.stringify(container)).toBe(before);
  });

  test('adds no fields the container did not have', () => {
    expect(Substitution.inContainer({ name: 'c', image: 'busybox' }, {})).toEqual({ name: 'c', image: 'busybox' });
  });

  test.each<[string, object, string]>([
    ['image', { image: '${option.nope}' }, 'container.image: refers to option "nope"'],
    ['command', { command: ['a', '${option.nope}'] }, 'container.command[1]: refers to option "nope"'],
    ['args', { args: ['${option.nope}'] }, 'container.args[0]: refers to option "nope"'],
    ['env values', { env: [{ name: 'A', value: 'x' }, { name: 'B', value: '${option.nope}' }] }, 'container.env[1].value: refers to option "nope"'],
  ])('errors name the field: %s', (_, given, start) => {
    expect(messageOf(() => Substitution.inContainer(given, {}))).toMatch(new RegExp(`^${start.replace(/[[\].]/g, '\\$&')}`));
  });
});

describe('Substitution.inPodSpec', () => {
  const podSpec = {
    restartPolicy: 'Never',
    initContainers: [{ name: 'wait', image: 'busybox', args: ['wait-for', '${workload.name}-db'] }],
    containers: [{ name: 'main', image: 'app:${option.region}' }],
    ephemeralContainers: [{ name: 'debug', image: 'debug:${option.region}' }],
    volumes: [{ name: 'v', configMap: { name: '${workload.name}' } }],
  };

  test('substitutes containers and init containers, nothing else', () => {
    expect(Substitution.inPodSpec(podSpec, scopes)).toEqual({
      restartPolicy: 'Never',
      initContainers: [{ name: 'wait', image: 'busybox', args: ['wait-for', 'nightly-db'] }],
      containers: [{ name: 'main', image: 'app:eu' }],
      ephemeralContainers: [{ name: 'debug', image: 'debug:${option.region}' }],
      volumes: [{ name: 'v', configMap: { name: '${workload.name}' } }],
    });
  });

  test('errors carry the pod spec path', () => {
    expect(messageOf(() => Substitution.inPodSpec(podSpec, {}, 'spec.template.spec'))).toBe(
      'spec.template.spec.initContainers[0].args[1]: refers to workload field "name", which is not defined (got "${workload.name}"). No workload fields are defined here; define workload field "name", or write $${workload.name} to keep the text literally.');
    expect(messageOf(() => Substitution.inPodSpec({ containers: [{ image: '${matrix.k}' }] }, {}))).toMatch(/^containers\[0\]\.image: /);
  });
});
