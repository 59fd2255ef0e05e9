// CES wire schemas, shared by the client and the simulator.
export * from './common.js';
export * from './containers.js';
export * from './deployments.js';
export * from './sets.js';
export * from './tasks.js';
export * from './downloads.js';
