export * from './matrix';
export * from './config-map';
export * from './names';
