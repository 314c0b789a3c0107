import { cdk8s, javascript, JsonFile, typescript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-batch',
  description: 'Batch workloads for cdk8s: hashed cron schedules, matrix fan-out to Indexed Jobs, typed run options, and a companion controller.',
  author: 'cdk8s-batch maintainers',
  authorAddress: 'maintainers@users.noreply.h-seed-76180458.example',
  repositoryUrl: 'https://github.com/maintainers/cdk8s-batch.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  keywords: ['cdk8s', 'kubernetes', 'cronjob', 'job', 'batch', 'cron', 'matrix'],

  // cdk8s 2.x with a constructs version that cdk8s-plus-27 accepts (reference/cdk8s.md §1).
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.4.0',
  peerDeps: ['cdk8s-plus-27@^2.9.5'],
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~5.9.0',
  minNodeVersion: '20.0.0',

  devDeps: [
    'kubernetes-models@^4.5.1',
    'fast-check@^4.10.0',
    'yaml@^2.9.0',
    'ajv@^8.20.0',
  ],

  // CI is `.ci/run`; no GitHub workflows are generated.
  github: false,
  release: false,

  jestOptions: {
    // Stale snapshots fail instead of being rewritten.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
      coverageProvider: 'v8',
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc', '.projenrc.ts'],
  },
});

// An import cycle ties modules into a knot that can only be read and changed as a whole; keep
// them out of the library, and (with this rule alone, the controller has its own style) out of
// controller/src.
project.eslint?.addRules({ 'import/no-cycle': ['error'] });
new JsonFile(project, 'controller/.eslintrc.cycles.json', {
  allowComments: true,
  obj: {
    root: true,
    parser: '@typescript-eslint/parser',
    parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
    plugins: ['import'],
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { node: {}, typescript: { project: './controller/tsconfig.json', alwaysTryTypes: true } },
    },
    rules: { 'import/no-cycle': 'error' },
  },
});
const lintCycles = project.addTask('eslint:controller-cycles', {
  description: 'Checks controller/src for import cycles',
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
  exec: 'eslint --no-eslintrc -c controller/.eslintrc.cycles.json --ext .ts controller/src',
});
project.testTask.spawn(lintCycles);

// Examples and benchmarks are not part of the published package.
project.npmignore?.exclude('/examples/', '/bench/', '/docs/', '/.ci/', '/test/');

// Type-check and lint examples/ and bench/ like the tests (the eslint project service needs a
// tsconfig next to them; jsii compiles only src/).
for (const dir of ['examples', 'bench']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../test/tsconfig.json']),
    include: ['**/*.ts'],
    compilerOptions: {},
  });
}

// The main job: synthesize every example app into dist/.
project.addTask('synth:examples', {
  description: 'Synthesize every example into dist/',
  exec: 'ts-node --project examples/tsconfig.json examples/main.ts',
});

// The whole suite: the fast tier (jest + eslint) then the real control-plane tier.
const testAll = project.addTask('test:all', {
  description: 'Fast tier (unit, schema, examples) and the real control-plane tier',
});
// jsii first: it checks the public API against jsii's rules, and docgen rewrites API.md (CI
// fails if that changes it, so API.md is always committed up to date).
testAll.spawn(project.compileTask);
testAll.spawn(project.postCompileTask);
testAll.spawn(project.testTask);
const buildController = project.addTask('build:controller', {
  description: 'Install and compile the companion controller and CLI (controller/)',
  cwd: 'controller',
});
buildController.exec('npm install --no-audit --no-fund');
buildController.exec('npx tsc --build');
const testController = project.addTask('test:controller', {
  description: 'Unit-test the companion controller and CLI (controller/) with Node\'s test runner',
  cwd: 'controller',
});
testController.spawn(buildController);
testController.exec('bash test/ensure-tools.sh'); // tmux and openssl, for the unit tests
testController.exec('node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=../test-reports/controller-junit.xml dist/controller/test/');
testAll.spawn(testController);

// The real control-plane tier: kube-apiserver, kube-controller-manager, kube-scheduler, etcd
// and kwok built from Go modules (cached under ~/.cache) and started on 127.0.0.1.
const testE2e = project.addTask('test:e2e', {
  description: 'Build (cached) and start a real control plane on 127.0.0.1, then run test/e2e',
});
testE2e.spawn(buildController); // the controller's e2e tests run the compiled controller
testE2e.exec('bash test/e2e/run.sh', { receiveArgs: true });
testAll.spawn(testE2e);

project.addTask('bench', {
  description: 'Run the benchmarks in bench/ and print their results',
  exec: 'ts-node --project bench/tsconfig.json bench/run.ts',
});
project.addTask('bench:controller', {
  description: 'Controller admission latency and memory on the real control plane (about 9 minutes)',
  exec: 'ts-node --project bench/tsconfig.json bench/controller-admission.ts',
  receiveArgs: true,
});

// The companion controller and the `cdk8s-batch` CLI: a runtime package of its own (its
// dependencies are not the construct library's), built against the library's pure core.
new typescript.TypeScriptProject({
  parent: project,
  outdir: 'controller',
  name: 'cdk8s-batch-controller',
  description: 'The cdk8s-batch companion controller and CLI',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  typescriptVersion: '~5.9.0',
  minNodeVersion: '20.0.0',
  // The CLI: commander for commands, flags and --help (v14 is the last line on Node 20);
  // @inquirer/prompts 7.x (Node >= 18, CommonJS build) for the interactive `run` prompts;
  // yaml to read synthesized manifests and print `--dry-run -o yaml`.
  deps: ['@kubernetes/client-node@~1.4.0', 'prom-client@^15.1.3', 'commander@^14.0.3', '@inquirer/prompts@^7.10.1', 'yaml@^2.8.0'],
  // resvg renders the load-spread SVG to PNG in tests, pngjs decodes it to check the pixels.
  devDeps: ['@types/node@^20', '@resvg/resvg-js@^2.6.2', 'pngjs@^7.0.0', '@types/pngjs@^6.0.5'],
  bin: { 'cdk8s-batch': 'dist/controller/src/cli/main.js' },
  github: false,
  release: false,
  package: false,
  sampleCode: false,
  jest: false,
  eslint: false,
  licensed: false,
  tsconfig: {
    // CommonJS like the library, so rootDir '..' can compile the library's pure core (../src)
    // instead of re-implementing it; client-node 1.x is ESM-only and is loaded with import().
    compilerOptions: {
      module: 'Node16',
      moduleResolution: javascript.TypeScriptModuleResolution.NODE16,
      rootDir: '..',
      outDir: 'dist',
      lib: ['es2022'],
      target: 'ES2022',
      esModuleInterop: true,
      skipLibCheck: true,
    },
    include: ['src/**/*.ts', 'test/**/*.ts'],
  },
  tsconfigDevFile: 'tsconfig.dev.json',
});

project.synth();
