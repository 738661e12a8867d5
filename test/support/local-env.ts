import { startLocalEnv } from '../../tools/localenv/index.js';

/** What an integration test needs from the local environment. */
export interface TestEnv {
  kubeconfigPath: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** Base URL of the Temporal Web UI. */
  temporalUiUrl: string;
  /** The Temporal server's Prometheus metrics. */
  temporalMetricsUrl: string;
  /** Name of the kwok node Pods run on. */
  nodeName: string;
  /** Stops the environment if this test started it; a no-op for the shared one. */
  release(): Promise<void>;
}

/**
 * The shared environment `npm test` starts (passed in BALLAST_TEST_* variables), or, when a test
 * file runs on its own, a fresh one. Never skips: if the environment cannot start, this throws.
 */
export async function useLocalEnv(): Promise<TestEnv> {
  const {
    BALLAST_TEST_KUBECONFIG: kubeconfigPath,
    BALLAST_TEST_TEMPORAL_ADDRESS: temporalAddress,
    BALLAST_TEST_TEMPORAL_UI: temporalUiUrl,
    BALLAST_TEST_TEMPORAL_METRICS: temporalMetricsUrl,
  } = process.env;
  if (kubeconfigPath && temporalAddress && temporalUiUrl && temporalMetricsUrl) {
    return {
      kubeconfigPath,
      temporalAddress,
      temporalUiUrl,
      temporalMetricsUrl,
      temporalNamespace: 'default',
      nodeName: process.env.BALLAST_TEST_NODE ?? 'kwok-node-0',
      release: async () => {},
    };
  }
  const env = await startLocalEnv();
  return {
    kubeconfigPath: env.kubeconfigPath,
    temporalAddress: env.temporal.address,
    temporalNamespace: env.temporal.namespace,
    temporalUiUrl: env.temporal.uiUrl,
    temporalMetricsUrl: env.temporal.metricsUrl,
    nodeName: env.kube.nodeName,
    release: () => env.stop(),
  };
}
