/** The single `workflowsPath` entry of the worker: re-exports every workflow by name. */
export { mirrorConfigMapWorkflow } from './mirror-config-map.js';
