/**
 * A worker upgrade replays every sleeping reconcile's history since its last continue-as-new, so
 * workflow code must stay deterministic against what older versions recorded. Each history under
 * test/replay/histories (captured by test/replay/capture-histories.ts at a released commit) is
 * replayed against today's workflows; a change that alters the command sequence without a
 * `patched()` guard fails here with a DeterminismViolationError.
 */
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { installTemporalRuntime } from '../../../workers/temporal-runtime.js';

const require = createRequire(import.meta.url);
const HISTORIES = path.resolve(import.meta.dirname, '../../replay/histories');

describe('workflow replay compatibility', () => {
  let files: string[] = [];
  before(async () => {
    installTemporalRuntime();
    files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  });

  it('holds histories from the pre-patch release and from the current code', () => {
    // The oldest capture is what production workers left behind before skip-unchanged-status-writes.
    assert.ok(
      files.some((f) => f.includes('377e3d5')),
      `histories of 377e3d5 in ${HISTORIES}`
    );
    assert.ok(files.length >= 8, `${files.length} histories`);
  });

  it('replays every recorded history against the current workflow code without non-determinism', async () => {
    const histories = await Promise.all(
      files.map(async (file) => ({
        workflowId: file.replace(/\.json$/, ''),
        history: proto.temporal.api.history.v1.History.fromObject(
          JSON.parse(await readFile(path.join(HISTORIES, file), 'utf8')) as Record<string, unknown>
        ),
      }))
    );
    const failures: string[] = [];
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../../workflows/index.ts'), replayName: 'replay-compatibility' },
      histories
    );
    for await (const result of results)
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    assert.deepEqual(failures, []);
  });
});
