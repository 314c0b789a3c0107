// The library's one time module (not part of the jsii API): calendar arithmetic, the RFC 3339
// grammar, zone offsets and names, used by the constructs, the controller and the CLI.
export * from './civil';
export * from './names';
export * from './rfc3339';
export * from './zone-clock';
