import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryCgroupOf } from '../../../bench/memory-cgroup.js';

describe('memoryCgroupOf', () => {
  it("finds cgroup v1's memory hierarchy among the others", () => {
    const text = '9:name=systemd:/\n4:memory:/process_api/abc\n1:cpu:/\n0::/\n';
    assert.deepEqual(memoryCgroupOf(text, '/cg'), {
      dir: '/cg/memory/process_api/abc',
      limitFile: 'memory.limit_in_bytes',
      peakFile: 'memory.max_usage_in_bytes',
    });
  });

  it('finds memory in a combined v1 hierarchy', () => {
    assert.equal(memoryCgroupOf('5:cpu,memory:/a\n', '/cg').dir, '/cg/memory/a');
  });

  it('uses the cgroup v2 unified hierarchy when no v1 memory controller is mounted', () => {
    assert.deepEqual(memoryCgroupOf('0::/user.slice/session-1.scope\n', '/cg'), {
      dir: '/cg/user.slice/session-1.scope',
      limitFile: 'memory.max',
      peakFile: 'memory.peak',
    });
  });

  it('says so when there is no memory cgroup at all', () => {
    assert.throws(() => memoryCgroupOf('1:cpu:/\n', '/cg'), /no memory cgroup/);
  });
});
