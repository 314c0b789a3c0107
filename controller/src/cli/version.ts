/**
 * The CLI's version: the `version` of the package it was installed from (`cdk8s-batch-cli`,
 * released with the library of the same version; docs/cli.md), found by walking up from this
 * file, so it is right in the packed package and in a checkout alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function cliVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (typeof pkg.version === 'string') return pkg.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
