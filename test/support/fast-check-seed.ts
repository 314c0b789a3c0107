/**
 * Every property test in the fast tier runs with one fixed fast-check seed: the same cases on
 * every run and machine, so a failure reproduces and a pass is not luck. Change the seed on
 * purpose to explore more cases; a test may still pass its own `seed`.
 */
import * as fc from 'fast-check';

fc.configureGlobal({ seed: 20261202 });
