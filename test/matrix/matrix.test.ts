import { BatchValidationError } from '../../src/errors';
import { Matrix, MatrixKind } from '../../src/matrix';

/** Cells as compact strings, e.g. `animal=cat,fruit=apple`, in index order. */
function rows(matrix: Matrix): string[] {
  return matrix.cells().map(cell => Object.entries(cell).map(([k, v]) => `${k}=${v}`).join(','));
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BatchValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a BatchValidationError');
}

function values(count: number, prefix = 'v'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

describe('Matrix.of order', () => {
  test('keys sorted bytewise, last key fastest, values in list order (Furiko\'s vector)', () => {
    const matrix = Matrix.of({ num: ['1', '2', '3'], key: ['a', 'b'] });
    expect(matrix.cells().map(c => c.key + c.num)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
    expect(matrix.kind).toBe(MatrixKind.MATRIX);
    expect(matrix.cellCount).toBe(6);
    expect(matrix.keyNames).toEqual(['key', 'num']);
  });

  test('three keys, values not sorted', () => {
    const matrix = Matrix.of({ os: ['windows', 'linux'], arch: ['arm64', 'amd64'], node: ['22', '20'] });
    expect(rows(matrix)).toEqual([
      'arch=arm64,node=22,os=windows',
      'arch=arm64,node=22,os=linux',
      'arch=arm64,node=20,os=windows',
      'arch=arm64,node=20,os=linux',
      'arch=amd64,node=22,os=windows',
      'arch=amd64,node=22,os=linux',
      'arch=amd64,node=20,os=windows',
      'arch=amd64,node=20,os=linux',
    ]);
  });

  test('bytewise, not locale, key order: "-" < digits < "_" < letters', () => {
    const matrix = Matrix.of({ 'z': ['1', '2'], '_x': ['3'], '9': ['4'], '-a': ['5', '6'] });
    expect(matrix.keyNames).toEqual(['-a', '9', '_x', 'z']);
    // `-a` is the slowest key, `z` the fastest.
    expect(matrix.cells().map(c => c['-a'] + c.z)).toEqual(['51', '52', '61', '62']);
    // Everything that iterates a cell uses that order (a JS object would list the integer-like key `9` first).
    expect(Object.keys(matrix.cellEnv(0))).toEqual(['MATRIX__A', 'MATRIX_9', 'MATRIX__X', 'MATRIX_Z']);
    expect(matrix.configMapLayout().items.map(item => item.key)).toEqual(['0.-a', '0.9', '0._x', '0.z', '1.-a', '1.9', '1._x', '1.z',
      '2.-a', '2.9', '2._x', '2.z', '3.-a', '3.9', '3._x', '3.z']);
  });

  test('cell i is completion index i', () => {
    const matrix = Matrix.of({ a: ['x', 'y'], b: ['1', '2'] });
    expect([0, 1, 2, 3].map(i => matrix.cell(i))).toEqual(matrix.cells());
    expect(matrix.cell(2)).toEqual({ a: 'y', b: '1' });
  });

  test('returned cells are copies', () => {
    const matrix = Matrix.of({ a: ['x'] });
    matrix.cells()[0].a = 'changed';
    matrix.cell(0).a = 'changed';
    expect(matrix.cell(0)).toEqual({ a: 'x' });
  });
});

describe('Matrix.of include and exclude (GitHub Actions semantics)', () => {
  const fruitsAndAnimals = { fruit: ['apple', 'pear'], animal: ['cat', 'dog'] };

  test('GitHub\'s canonical include example gives exactly its six cells', () => {
    const matrix = Matrix.of(fruitsAndAnimals, {
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    });
    // GitHub lists them with fruit slowest; here `animal` < `fruit` sorts first and varies slowest.
    expect(matrix.cells()).toEqual([
      { animal: 'cat', color: 'pink', fruit: 'apple', shape: 'circle' },
      { animal: 'cat', color: 'pink', fruit: 'pear' },
      { animal: 'dog', color: 'green', fruit: 'apple', shape: 'circle' },
      { animal: 'dog', color: 'green', fruit: 'pear' },
      { fruit: 'banana' },
      { animal: 'cat', fruit: 'banana' },
    ]);
    expect(matrix.keyNames).toEqual(['animal', 'color', 'fruit', 'shape']);
    // Cell keys come out sorted whatever order the entry was written in.
    expect(Object.keys(matrix.cell(0))).toEqual(['animal', 'color', 'fruit', 'shape']);
  });

  test('an entry whose pairs match an original cell exactly adds nothing', () => {
    const matrix = Matrix.of(fruitsAndAnimals, { include: [{ fruit: 'pear', animal: 'dog' }] });
    expect(matrix.cellCount).toBe(4);
  });

  test('a later entry overwrites what an earlier one added, never an original value', () => {
    const matrix = Matrix.of({ os: ['linux', 'windows'] }, {
      include: [{ shell: 'sh' }, { os: 'windows', shell: 'pwsh' }, { os: 'linux', shell: 'bash' }],
    });
    expect(rows(matrix)).toEqual(['os=linux,shell=bash', 'os=windows,shell=pwsh']);
  });

  test('GitHub\'s exclude example: partial matches remove 3 of 12', () => {
    const matrix = Matrix.of({
      os: ['macos-latest', 'windows-latest'],
      version: ['12', '14', '16'],
      environment: ['staging', 'production'],
    }, {
      exclude: [
        { os: 'macos-latest', version: '12', environment: 'production' },
        { os: 'windows-latest', version: '16' },
      ],
    });
    expect(rows(matrix)).toEqual([
      'environment=staging,os=macos-latest,version=12',
      'environment=staging,os=macos-latest,version=14',
      'environment=staging,os=macos-latest,version=16',
      'environment=staging,os=windows-latest,version=12',
      'environment=staging,os=windows-latest,version=14',
      'environment=production,os=macos-latest,version=14',
      'environment=production,os=macos-latest,version=16',
      'environment=production,os=windows-latest,version=12',
      'environment=production,os=windows-latest,version=14',
    ]);
  });

  test('a one-pair exclude removes a whole slice; a value the key does not list removes nothing', () => {
    expect(rows(Matrix.of(fruitsAndAnimals, { exclude: [{ animal: 'dog' }, { fruit: 'kiwi' }] })))
      .toEqual(['animal=cat,fruit=apple', 'animal=cat,fruit=pear']);
  });

  test('include runs after exclude, so it can add an excluded combination back (appended last)', () => {
    const matrix = Matrix.of(fruitsAndAnimals, {
      exclude: [{ fruit: 'apple', animal: 'cat' }],
      include: [{ fruit: 'apple', animal: 'cat', note: 'back' }],
    });
    expect(rows(matrix)).toEqual([
      'animal=cat,fruit=pear',
      'animal=dog,fruit=apple',
      'animal=dog,fruit=pear',
      'animal=cat,fruit=apple,note=back',
    ]);
  });

  test('include entries do not merge into excluded combinations', () => {
    const matrix = Matrix.of(fruitsAndAnimals, { exclude: [{ animal: 'cat' }], include: [{ animal: 'cat', color: 'pink' }] });
    expect(rows(matrix)).toEqual(['animal=dog,fruit=apple', 'animal=dog,fruit=pear', 'animal=cat,color=pink']);
  });

  test('include-only matrix runs exactly the entries, in order', () => {
    const matrix = Matrix.of({}, { include: [{ os: 'linux', arch: 'amd64' }, { os: 'darwin' }, { os: 'linux', arch: 'arm64' }] });
    expect(matrix.cells()).toEqual([{ arch: 'amd64', os: 'linux' }, { os: 'darwin' }, { arch: 'arm64', os: 'linux' }]);
    expect(matrix.keyNames).toEqual(['arch', 'os']);
  });

  test('the cap counts cells after exclude and include', () => {
    const big = { a: values(17), b: values(16) }; // 272 combinations
    expect(Matrix.of(big, { exclude: [{ a: 'v0' }] }).cellCount).toBe(256);
    expect(messageOf(() => Matrix.of(big, { exclude: [{ a: 'v0' }], include: [{ a: 'new' }] }).cells())).toBe(
      'matrix: has more cells than maxCells allows (256) (got "257 cells"). Raise maxCells (up to 100000), or split the work across several workloads.');
    expect(Matrix.of(big, { maxCells: 272 }).cellCount).toBe(272);
  });
});

describe('Matrix.count and Matrix.keys', () => {
  test('count gives index cells', () => {
    const matrix = Matrix.count(3);
    expect(matrix.kind).toBe(MatrixKind.COUNT);
    expect(matrix.cells()).toEqual([{ index: '0' }, { index: '1' }, { index: '2' }]);
    expect(matrix.keyNames).toEqual([Matrix.COUNT_KEY]);
    expect(Matrix.COUNT_KEY).toBe('index');
    expect(matrix.cellEnv(2)).toEqual({ MATRIX_INDEX: '2' });
  });

  test('keys gives one cell per entry under "key", in list order', () => {
    const matrix = Matrix.keys(['users', 'orders', 'audit log']);
    expect(matrix.kind).toBe(MatrixKind.KEYS);
    expect(matrix.cells()).toEqual([{ key: 'users' }, { key: 'orders' }, { key: 'audit log' }]);
    expect(Matrix.KEYS_KEY).toBe('key');
    expect(matrix.cellEnv(1)).toEqual({ MATRIX_KEY: 'orders' });
  });

  test('the default cap is 256 and can be raised to 100000', () => {
    expect(Matrix.DEFAULT_MAX_CELLS).toBe(256);
    expect(Matrix.MAX_CELLS_LIMIT).toBe(100000);
    expect(Matrix.count(256).cellCount).toBe(256);
    expect(Matrix.count(256).maxCells).toBe(256);
    expect(Matrix.count(100000, { maxCells: 100000 }).cellCount).toBe(100000);
    expect(Matrix.keys(values(300), { maxCells: 300 }).cellCount).toBe(300);
  });

  test('cellEnv maps every key of the cell', () => {
    const matrix = Matrix.of({ 'node-version': ['20'], 'os': ['linux'] }, { include: [{ extra_flag: 'on' }] });
    expect(matrix.cellEnv(0)).toEqual({ MATRIX_EXTRA_FLAG: 'on', MATRIX_NODE_VERSION: '20', MATRIX_OS: 'linux' });
  });
});

describe('errors', () => {
  const fix256 = 'Raise maxCells (up to 100000), or split the work across several workloads.';
  test.each<[string, () => unknown, string]>([
    ['count not whole', () => Matrix.count(1.5),
      'count: is not a whole number (got "1.5"). Pass the number of cells as a whole number, e.g. 4.'],
    ['count NaN', () => Matrix.count(NaN),
      'count: is not a whole number (got "NaN"). Pass the number of cells as a whole number, e.g. 4.'],
    ['count 0', () => Matrix.count(0),
      'count: must be at least 1 (got "0"). Pass the number of cells to run, at least 1.'],
    ['count negative', () => Matrix.count(-3),
      'count: must be at least 1 (got "-3"). Pass the number of cells to run, at least 1.'],
    ['count over the cap', () => Matrix.count(257),
      `count: has more cells than maxCells allows (256) (got "257 cells"). ${fix256}`],
    ['count over a raised cap', () => Matrix.count(1001, { maxCells: 1000 }),
      `count: has more cells than maxCells allows (1000) (got "1001 cells"). ${fix256}`],
    ['maxCells above the limit', () => Matrix.count(1, { maxCells: 100001 }),
      'maxCells: must be a whole number from 1 to 100000 (got "100001"). Keep the default of 256, or raise it up to 100000, the most cells an Indexed Job runs at full parallelism.'],
    ['maxCells 0', () => Matrix.keys(['a'], { maxCells: 0 }),
      'maxCells: must be a whole number from 1 to 100000 (got "0"). Keep the default of 256, or raise it up to 100000, the most cells an Indexed Job runs at full parallelism.'],
    ['maxCells fractional', () => Matrix.of({ a: ['1'] }, { maxCells: 2.5 }),
      'maxCells: must be a whole number from 1 to 100000 (got "2.5"). Keep the default of 256, or raise it up to 100000, the most cells an Indexed Job runs at full parallelism.'],
    ['keys empty', () => Matrix.keys([]),
      'keys: is empty (got "[]"). List at least one key; each key becomes one cell.'],
    ['keys entry empty', () => Matrix.keys(['a', '']),
      'keys[1]: is empty (got ""). Use a non-empty string; an empty value cannot be told apart from a missing one.'],
    ['keys not a list (JavaScript)', () => Matrix.keys('users' as unknown as string[]),
      'keys: is not a list of keys (got "users"). Write the keys as a list, e.g. ["users", "orders"].'],
    ['keys entry not a string (JavaScript)', () => Matrix.keys([7 as unknown as string]),
      'keys[0]: is a number, not a string (got "7"). Write the value as a string, e.g. "7".'],
    ['value list not a list (JavaScript)', () => Matrix.of({ fruit: 'apple' as unknown as string[] }),
      'matrix.fruit: is not a list of values (got "apple"). Write the values as a list, e.g. ["a", "b"].'],
    ['number value, as YAML gives for node: [18, 20]', () => Matrix.of({ node: [18, 20] as unknown as string[] }),
      'matrix.node[0]: is a number, not a string (got "18"). Write the value as a string, e.g. "18".'],
    ['boolean include value', () => Matrix.of({ a: ['1'] }, { include: [{ experimental: true as unknown as string }] }),
      'include[0].experimental: is a boolean, not a string (got "true"). Write the value as a string, e.g. "true".'],
    ['keys duplicate', () => Matrix.keys(['a', 'b', 'a']),
      'keys[2]: repeats keys[0] (got "a"). List each key once; a repeated key would run the same cell twice.'],
    ['keys over the cap', () => Matrix.keys(values(257)),
      `keys: has more cells than maxCells allows (256) (got "257 cells"). ${fix256}`],
    ['matrix key upper case', () => Matrix.of({ Fruit: ['apple'] }),
      'matrix key: is not a valid matrix key (got "Fruit"). Use lower-case letters, digits, "_" and "-" only (^[a-z0-9_-]+$), e.g. "node-version".'],
    ['matrix key with a dot', () => Matrix.of({ 'a.b': ['1'] }),
      'matrix key: is not a valid matrix key (got "a.b"). Use lower-case letters, digits, "_" and "-" only (^[a-z0-9_-]+$), e.g. "node-version".'],
    ['matrix key too long', () => Matrix.of({ ['k'.repeat(64)]: ['1'] }),
      `matrix key: is longer than 63 characters (got "${'k'.repeat(64)}"). Shorten the key; it becomes a file name and part of a ConfigMap key.`],
    ['empty value list', () => Matrix.of({ fruit: [] }),
      'matrix.fruit: has no values (got "[]"). List at least one value, or remove the key.'],
    ['empty value', () => Matrix.of({ fruit: ['apple', ''] }),
      'matrix.fruit[1]: is empty (got ""). Use a non-empty string; an empty value cannot be told apart from a missing one.'],
    ['duplicate value', () => Matrix.of({ fruit: ['apple', 'pear', 'apple'] }),
      'matrix.fruit[2]: repeats matrix.fruit[0] (got "apple"). List each value once; a repeated value would run the same cell twice.'],
    ['no keys, no include', () => Matrix.of({}),
      'matrix: has no keys and no include entries (got "{}"). Give at least one key with its values, or list include entries.'],
    ['empty include entry', () => Matrix.of({ a: ['1'] }, { include: [{ b: '2' }, {}] }),
      'include[1]: is empty (got "{}"). Give the entry at least one key and value, or remove it.'],
    ['bad include key', () => Matrix.of({ a: ['1'] }, { include: [{ Color: 'red' }] }),
      'include[0] key: is not a valid matrix key (got "Color"). Use lower-case letters, digits, "_" and "-" only (^[a-z0-9_-]+$), e.g. "node-version".'],
    ['empty include value', () => Matrix.of({ a: ['1'] }, { include: [{ color: '' }] }),
      'include[0].color: is empty (got ""). Use a non-empty string; an empty value cannot be told apart from a missing one.'],
    ['empty exclude entry', () => Matrix.of({ a: ['1', '2'] }, { exclude: [{}] }),
      'exclude[0]: is empty (got "{}"). Give the entry at least one key and value, or remove it.'],
    ['exclude names an unknown key', () => Matrix.of({ fruit: ['apple'], animal: ['cat'] }, { exclude: [{ colour: 'red' }] }),
      'exclude[0]: names a key the matrix does not have (got "colour"). Exclude by matrix keys only ("animal", "fruit"); include entries are never excluded.'],
    ['exclude in an include-only matrix', () => Matrix.of({}, { include: [{ os: 'linux' }], exclude: [{ os: 'linux' }] }),
      'exclude[0]: names a key the matrix does not have (got "os"). Exclude by matrix keys only (the matrix has none); include entries are never excluded.'],
    ['exclude removes every cell', () => Matrix.of({ fruit: ['apple'], animal: ['cat', 'dog'] }, { exclude: [{ fruit: 'apple' }] }),
      'exclude: removes every cell (got "[{\\"fruit\\":\\"apple\\"}]"). Loosen the exclude entries, or add include entries.'],
    ['duplicate appended include cells', () => Matrix.of({ fruit: ['apple'] }, { include: [{ fruit: 'banana' }, { fruit: 'kiwi' }, { fruit: 'banana' }] }),
      'include[2]: adds the same cell as include[0] (got "{\\"fruit\\":\\"banana\\"}"). Remove one of the two entries.'],
    ['duplicate include-only entries written in another key order', () => Matrix.of({}, { include: [{ os: 'linux', arch: 'arm' }, { arch: 'arm', os: 'linux' }] }),
      'include[1]: adds the same cell as include[0] (got "{\\"arch\\":\\"arm\\",\\"os\\":\\"linux\\"}"). Remove one of the two entries.'],
    ['keys sharing an env name', () => Matrix.of({ 'node-version': ['1'], 'node_version': ['2'] }),
      'matrix key: becomes the environment variable MATRIX_NODE_VERSION, as the key "node-version" does (got "node_version"). Rename one of the two keys; "-" and "_" are the same in environment variable names.'],
    ['an include key sharing an env name', () => Matrix.of({ 'node-version': ['1'] }, { include: [{ node_version: '2' }] }),
      'matrix key: becomes the environment variable MATRIX_NODE_VERSION, as the key "node-version" does (got "node_version"). Rename one of the two keys; "-" and "_" are the same in environment variable names.'],
    ['matrix over the cap', () => Matrix.of({ a: values(17), b: values(16) }),
      `matrix: has more cells than maxCells allows (256) (got "272 cells"). ${fix256}`],
    ['product too large to apply exclude to', () => Matrix.of({ a: values(1001), b: values(1000) }, { maxCells: 100000, exclude: [{ a: 'v0' }] }),
      'matrix: has more combinations before exclude than can be expanded (1000000) (got "1001000 combinations"). Split the matrix across several workloads, or drop values instead of excluding them.'],
    ['a huge product without exclude is counted, not expanded', () => Matrix.of(Object.fromEntries(values(10, 'k').map(k => [k, values(100)]))),
      `matrix: has more cells than maxCells allows (256) (got "100000000000000000000 cells"). ${fix256}`],
    ['include entries count towards the cap without exclude', () => Matrix.of({ a: values(16), b: values(16) }, { include: [{ a: 'new' }] }),
      `matrix: has more cells than maxCells allows (256) (got "257 cells"). ${fix256}`],
    ['cell index out of range', () => Matrix.count(6).cell(6),
      'index: is not a cell index of this matrix (0 to 5) (got "6"). Pass a whole number from 0 to 5.'],
    ['cell index negative', () => Matrix.count(6).cellEnv(-1),
      'index: is not a cell index of this matrix (0 to 5) (got "-1"). Pass a whole number from 0 to 5.'],
    ['cell index fractional', () => Matrix.count(6).cellName(0.5),
      'index: is not a cell index of this matrix (0 to 5) (got "0.5"). Pass a whole number from 0 to 5.'],
  ])('%s', (_name, fn, message) => {
    // A factory keeps its problem until the matrix is used (a workload reports it at its path).
    expect(messageOf(() => {
      const made = fn();
      if (made instanceof Matrix) made.cells();
    })).toBe(message);
  });

  test('a product of exactly 1000000 is walked to apply exclude (and then capped)', () => {
    const exclude = [{ a: 'v0' }];
    expect(messageOf(() => Matrix.of({ a: values(1000), b: values(1000) }, { maxCells: 100000, exclude }).cellCount)).toBe(
      `matrix: has more cells than maxCells allows (100000) (got "999000 cells"). ${fix256}`);
    expect(Matrix.of({ a: values(1000), b: values(100) }, { maxCells: 100000, exclude }).cellCount).toBe(99900);
  });

  test('errors carry field, value, problem and fix', () => {
    try {
      Matrix.of({ fruit: ['apple', ''] }).cellCount;
      throw new Error('expected an error');
    } catch (e) {
      const error = e as BatchValidationError;
      expect([error.field, error.value, error.problem]).toEqual(['matrix.fruit[1]', '', 'is empty']);
    }
  });
});
