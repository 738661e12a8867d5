/**
 * `npm run tools [-- --flux]`: builds the pinned toolchain into the per-user cache; a second run
 * builds nothing and says so. `--flux` also builds Flux's controllers for the benchmark.
 */
import { ensureTools } from './build.js';
import { cacheRoot } from './paths.js';

const started = performance.now();
const results = await ensureTools(console.log, { flux: process.argv.includes('--flux') }).catch((err: unknown) => {
  const e = err as { stderr?: string; message?: string };
  console.error(`tools: build failed: ${e.stderr?.trim() || e.message}`);
  process.exit(1);
});
const built = results.filter((r) => r.built);
if (built.length === 0) {
  console.log(`tools: all ${results.length} tools cached in ${cacheRoot()}; nothing to build`);
} else {
  const total = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`tools: built ${built.map((r) => r.name).join(', ')} in ${total} s; cache ${cacheRoot()}`);
}
