/** The single `workflowsPath` entry of the worker: re-exports every workflow by name. */
export { gitRepositoryWorkflow } from './gitrepository.js';
export { kustomizationWorkflow } from './kustomization.js';
export { mirrorConfigMapWorkflow } from './mirror-config-map.js';
