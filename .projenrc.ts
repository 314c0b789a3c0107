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

  // The Go binding's module path (jsii `targets.go`); test/go builds it with jsii-pacmak and proves
  // it synthesizes what TypeScript does (docs/go.md).
  publishToGo: { moduleName: 'github.com/maintainers/cdk8s-batch-go' },

  // CI is `.ci/run`; no GitHub workflows are generated.
  github: false,
  release: false,

  jestOptions: {
    // Stale snapshots fail instead of being rewritten.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // A tier that finds no test fails: CI must never pass with nothing run.
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
      // One fixed fast-check seed for every property test (deterministic runs).
      setupFilesAfterEnv: ['<rootDir>/test/support/fast-check-seed.ts'],
      coverageProvider: 'v8',
    },
  },
  eslintOptions: {
    // Lint checks, it never rewrites: what CI lints is what was committed.
    commandOptions: { fix: false },
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
    plugins: ['import', '@typescript-eslint'], // the latter so that its rules' disable comments resolve
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

// Examples, benchmarks and release scripts are not part of the published package; nor is controller/ (its own
// package: with its node_modules installed it made the tarball, and the Go binding that embeds
// it, 12 MB).
project.npmignore?.exclude('/examples/', '/bench/', '/docs/', '/.ci/', '/test/', '/rosetta/', '/build/', '/controller/', '/scripts/');
// Scratch output of the tests (the doc samples' compilation directory, generated Go bindings).
project.gitignore.exclude('/build/');

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
// The jsii promise in Go: bindings generated by jsii-pacmak (cdk8s and cdk8s-plus-27 cached under
// ~/.cache), a Go program built against them, its YAML byte-identical to TypeScript's. Needs the
// compiled library (.jsii, lib/), so it runs after compile; Go 1.26 and the Go module proxy.
const testGo = project.addTask('test:go', {
  description: 'Build test/go against jsii-pacmak Go bindings and compare its YAML with TypeScript (after compile)',
  exec: 'bash test/go/run.sh',
});
testAll.spawn(testGo);
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
// Only *.test.js: on Node 20, `node --test DIR` runs every .js under a `test` folder, so the
// helpers in test/support and test/cli would each count as a passing test. Node 20 takes no
// globs, so the shell lists the files (sorted, for a stable report).
testController.exec('node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=../test-reports/controller-junit.xml $(find dist/controller/test -name \'*.test.js\' | LC_ALL=C sort)');
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

// The CLI's runtime dependencies: commander for commands, flags and --help (v14 is the last line
// on Node 20); @inquirer/prompts 7.x (Node >= 18, CommonJS build) for the interactive `run`
// prompts; yaml to print `--dry-run -o yaml` and to report bad manifests; js-yaml (already in the
// tree through client-node) to read them, about 10x faster at fleet size (bench/README.md);
// client-node for the kubeconfig (the REST client is the controller's own).
const CLI_DEPS = ['@kubernetes/client-node@~1.4.0', 'commander@^14.0.3', '@inquirer/prompts@^7.10.1', 'yaml@^2.8.0', 'js-yaml@^4.3.2'];

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
  deps: [...CLI_DEPS, 'prom-client@^15.1.3'],
  // resvg renders the load-spread SVG to PNG in tests, pngjs decodes it to check the pixels.
  devDeps: ['@types/node@^20', '@resvg/resvg-js@^2.6.2', 'pngjs@^7.0.0', '@types/pngjs@^6.0.5', '@types/js-yaml@^4.0.9'],
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

// The CLI as users install it (docs/cli.md "Install"): `cdk8s-batch-cli`, bin `cdk8s-batch`,
// released with the library of the same version and depending on exactly that version for the
// pure core. `npx projen package:cli` (scripts/pack-cli.js) stages the compiled CLI with this
// package.json, the version stamped in, the core's modules re-exported from `cdk8s-batch/lib`
// (no second copy of it), and packs it into dist/js/.
new JsonFile(project, 'controller/cli-package/package.json', {
  marker: true,
  obj: {
    name: 'cdk8s-batch-cli',
    version: '0.0.0',
    description: 'The cdk8s-batch CLI: start typed ad-hoc runs, see a workload\'s runs, preview and explain hashed schedules.',
    keywords: ['cdk8s', 'kubernetes', 'cronjob', 'job', 'batch', 'cli'],
    license: 'Apache-2.0',
    author: { name: 'cdk8s-batch maintainers', email: 'maintainers@users.noreply.h-seed-76180458.example' },
    repository: { type: 'git', url: 'https://github.com/maintainers/cdk8s-batch.git', directory: 'controller' },
    bin: { 'cdk8s-batch': 'dist/controller/src/cli/main.js' },
    files: ['dist/'],
    engines: { node: '>= 20.0.0' },
    dependencies: {
      // Stamped with the library's version at pack time: the CLI runs the core of its own release.
      'cdk8s-batch': '0.0.0',
      ...Object.fromEntries(CLI_DEPS.map((d) => [d.slice(0, d.lastIndexOf('@')), d.slice(d.lastIndexOf('@') + 1)])),
    },
  },
});
const packageCli = project.addTask('package:cli', {
  description: 'Pack the CLI (cdk8s-batch-cli) into dist/js/, against the compiled library (after compile)',
});
packageCli.spawn(buildController);
packageCli.exec('node scripts/pack-cli.js dist/js');

project.synth();
