import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Activities, MirrorConfigMapInput } from '../../../activities/index.js';
import { mirrorConfigMapWorkflow } from '../../../workflows/index.js';
import { uniqueName } from '../../support/names.js';
import { createTestWorkflowEnv } from '../../support/temporal.js';

const require = createRequire(import.meta.url);

describe('mirrorConfigMapWorkflow', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await createTestWorkflowEnv();
  });
  after(async () => env?.teardown());

  async function run(activities: Pick<Activities, 'mirrorConfigMap'>, input: MirrorConfigMapInput) {
    const taskQueue = uniqueName('tq');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../../workflows/index.ts'),
      activities,
    });
    return worker.runUntil(
      env.client.workflow.execute(mirrorConfigMapWorkflow, { args: [input], taskQueue, workflowId: uniqueName('wf') })
    );
  }

  it('returns what the activity reports', async () => {
    const seen: MirrorConfigMapInput[] = [];
    const result = await run(
      { mirrorConfigMap: async (i) => (seen.push(i), { keys: 3, resourceVersion: '42' }) },
      { namespace: 'ns', from: 'a', to: 'b' }
    );
    assert.deepEqual(result, { keys: 3, resourceVersion: '42' });
    assert.deepEqual(seen, [{ namespace: 'ns', from: 'a', to: 'b' }]);
  });

  it('retries a transient activity failure until it succeeds', async () => {
    let calls = 0;
    const result = await run(
      {
        mirrorConfigMap: async () => {
          calls++;
          if (calls < 3) throw new Error('connection reset');
          return { keys: 1, resourceVersion: '7' };
        },
      },
      { namespace: 'ns', from: 'a', to: 'b' }
    );
    assert.equal(calls, 3);
    assert.equal(result.keys, 1);
  });
});
