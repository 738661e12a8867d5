import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cycleMessage,
  findDependencyCycle,
  MAX_DEPENDENCY_READS,
  type DependencyNode,
} from '../../../../activities/kustomization/dependency-cycle.js';

/** A reader over `graph` ('ns/name' → dependencies as 'ns/name'), counting its reads. */
function reader(graph: Record<string, string[]>) {
  const node = (k: string): DependencyNode => ({ namespace: k.split('/')[0] ?? '', name: k.split('/')[1] ?? '' });
  const state = { reads: 0 };
  const read = async (n: DependencyNode): Promise<DependencyNode[] | undefined> => {
    state.reads++;
    return graph[`${n.namespace}/${n.name}`]?.map(node);
  };
  return { read, state, node };
}

describe('findDependencyCycle', () => {
  it('names a two-object cycle from where it starts', async () => {
    const { read, node } = reader({ 'ns/a': ['ns/b'], 'ns/b': ['ns/a'] });
    const cycle = await findDependencyCycle(node('ns/a'), read);
    assert.deepEqual(cycle, ['ns/a', 'ns/b', 'ns/a']);
    assert.equal(
      cycleMessage(cycle ?? []),
      'circular dependency: ns/a -> ns/b -> ns/a; remove one of these dependsOn entries'
    );
  });

  it('names a self-reference', async () => {
    const { read, node } = reader({ 'ns/a': ['ns/a'] });
    assert.deepEqual(await findDependencyCycle(node('ns/a'), read), ['ns/a', 'ns/a']);
  });

  it('names a cycle further down that the start only waits on', async () => {
    const { read, node } = reader({ 'x/a': ['y/b'], 'y/b': ['y/c'], 'y/c': ['y/b'] });
    assert.deepEqual(await findDependencyCycle(node('x/a'), read), ['y/b', 'y/c', 'y/b']);
  });

  it('finds none in a diamond or with missing dependencies, reading each object once', async () => {
    const { read, node, state } = reader({ 'ns/a': ['ns/b', 'ns/c'], 'ns/b': ['ns/d'], 'ns/c': ['ns/d', 'ns/gone'] });
    assert.equal(await findDependencyCycle(node('ns/a'), read), undefined);
    assert.equal(state.reads, 5);
  });

  it('stops after a bounded number of reads on a long chain', async () => {
    const chain = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`ns/k${i}`, [`ns/k${i + 1}`]]));
    const { read, node, state } = reader({ ...chain, 'ns/k999': ['ns/k0'] });
    assert.equal(await findDependencyCycle(node('ns/k0'), read), undefined);
    assert.equal(state.reads, MAX_DEPENDENCY_READS);
  });
});
