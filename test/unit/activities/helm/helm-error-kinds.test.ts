import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyStderr } from '../../../../activities/helm/helm-errors.js';

describe('helm failures classified from stderr', () => {
  it('a post-renderer failure is a permanent render error, even when kustomize says "Error:"', () => {
    const stderr =
      'Error: UPGRADE FAILED: error while running post render on files: plugin exited with error\n' +
      'post-renderer kustomize: Error: no matches for Id apps_v1_Deployment|~X|nope; failed to find unique target for patch\n';
    assert.equal(classifyStderr(stderr), 'render');
  });

  it('an unreachable apiserver stays retryable', () => {
    const stderr =
      'Error: INSTALLATION FAILED: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused\n';
    assert.notEqual(classifyStderr(stderr), 'render');
    assert.equal(classifyStderr(stderr), 'unreachable');
  });
});
