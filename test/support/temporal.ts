import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../../api/search-attributes.js';
import { toolPath } from '../../tools/toolchain/build.js';
import { installTemporalRuntime } from '../../workers/temporal-runtime.js';

/**
 * A Temporal dev server for workflow tests, from the cached `temporal` binary: by default the SDK
 * would download one, which cannot work here.
 */
export async function createTestWorkflowEnv(): Promise<TestWorkflowEnvironment> {
  installTemporalRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: toolPath('temporal') },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
    },
  });
}
