import { MockActivityEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { heartbeatWhileRunning } from '../../../workers/activity-heartbeats.js';

/** Runs an activity that takes `ms` under the interceptor; returns how many heartbeats it sent. */
async function heartbeatsDuring(ms: number, heartbeatTimeoutMs: number | undefined): Promise<number> {
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs }, { interceptors: [heartbeatWhileRunning()] });
  let beats = 0;
  env.on('heartbeat', () => beats++);
  assert.equal(await env.run(async () => (await sleep(ms), 'done')), 'done');
  return beats;
}

describe('heartbeatWhileRunning', () => {
  it('keeps a long activity with a heartbeat timeout alive: beats more often than the timeout', async () => {
    const beats = await heartbeatsDuring(1_000, 300);
    // One beat per 100 ms period over 1 s; a timer delayed by a busy machine may cost a few.
    assert.ok(beats >= 5, `only ${beats} heartbeats in 1 s with a 300 ms heartbeat timeout`);
  });

  it('sends nothing for an activity shorter than one period, or one without a heartbeat timeout', async () => {
    assert.equal(await heartbeatsDuring(20, 3_000), 0);
    assert.equal(await heartbeatsDuring(300, undefined), 0);
  });

  it('stops beating once the activity has finished', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 150 }, { interceptors: [heartbeatWhileRunning()] });
    let beats = 0;
    env.on('heartbeat', () => beats++);
    await env.run(async () => sleep(200));
    const atEnd = beats;
    await sleep(300);
    assert.equal(beats, atEnd);
  });
});
