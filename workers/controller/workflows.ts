import {
  gitRepositoryWorkflow,
  helmChartWorkflow,
  helmReleaseWorkflow,
  helmRepositoryWorkflow,
  kustomizationWorkflow,
} from '../../workflows/index.js';

/** The workflow type of each kind the controller keeps a workflow for. */
export const WORKFLOWS = {
  GitRepository: gitRepositoryWorkflow,
  HelmRepository: helmRepositoryWorkflow,
  HelmChart: helmChartWorkflow,
  Kustomization: kustomizationWorkflow,
  HelmRelease: helmReleaseWorkflow,
} as const;

export type ServedKind = keyof typeof WORKFLOWS;
