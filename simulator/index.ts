// Public API of the CES simulator: start a simulated CES (Code Pipeline REST API of
// docs/ces-api.md) on loopback for tests, demos and benchmarks.
export { startSimulator } from './server.js';
export type { RecordedRequest, RunningSimulator, SimulatorOptions } from './options.js';
export type { FaultRule, FaultScope } from './faults.js';
export { Estate } from './estate.js';
export type { Assignment, CesSet, Deployment, LevelDef, Release, SetRealism, Task } from './estate.js';
export { DEMO } from './seed.js';
export { simulatorOptionsFromFlags } from './cli-options.js';
export type { SimulatorFlags } from './cli-options.js';
