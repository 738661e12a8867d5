/**
 * `npm run bundle`: builds the workflow bundle for the current sources into the bundle directory
 * (BALLAST_WORKFLOW_BUNDLE_DIR, default node_modules/.cache/ballast/workflow-bundle), so workers
 * load it instead of running webpack at start. Does nothing when the current bundle exists. The
 * image's build runs it too (Dockerfile, `bundle` stage); it imports nothing else from tools/.
 */
import { pino } from 'pino';
import { bundlePath, readBundle } from '../workers/workflow-bundle/bundle-cache.js';
import { loadWorkflowBundle } from '../workers/workflow-bundle/load.js';
import { loadConfigOrExit } from '../workers/config.js';

const { workflowBundleDir: dir } = loadConfigOrExit();
const log = pino({ level: 'warn' }, pino.destination(2));
const started = Date.now();
const bundle = await loadWorkflowBundle({ dir }, log);
// Workers tolerate a bundle that could not be stored; this command exists to store it.
if ((await readBundle(dir, bundle.key)) === undefined) {
  console.error(`workflow bundle not stored in ${dir}`);
  process.exit(1);
}
const what = bundle.source === 'prebuilt' ? 'up to date' : `built in ${((Date.now() - started) / 1000).toFixed(1)} s`;
console.log(
  `workflow bundle ${what}: ${bundlePath(dir, bundle.key)} (${(bundle.code.length / 2 ** 20).toFixed(1)} MiB)`
);
