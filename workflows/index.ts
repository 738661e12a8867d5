/** The single `workflowsPath` entry of the worker: re-exports every workflow by name. */
export { helmReleaseWorkflow } from './helmrelease.js';
export { kustomizationWorkflow } from './kustomization.js';
export { mirrorConfigMapWorkflow } from './mirror-config-map.js';
export { notificationWorkflow } from './notification.js';
export { previewKustomizationWorkflow } from './preview.js';
export { gitRepositoryWorkflow, helmChartWorkflow, helmRepositoryWorkflow } from './source.js';
