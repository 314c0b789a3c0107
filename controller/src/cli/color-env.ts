/**
 * Imported first by main.ts, before any module that asks Node about colour support (the
 * prompt library does on load): with both NO_COLOR and FORCE_COLOR set, Node warns that it
 * ignores NO_COLOR. The CLI's own rule decides instead (NO_COLOR wins unless empty, see
 * io.ts), so the variable that loses is dropped and Node has nothing to warn about.
 */
if (process.env.NO_COLOR !== undefined && process.env.FORCE_COLOR !== undefined) {
  delete process.env[process.env.NO_COLOR !== '' ? 'FORCE_COLOR' : 'NO_COLOR'];
}

export {};
