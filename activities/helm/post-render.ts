/**
 * HelmRelease `spec.postRenderers` on Helm 4, which runs post-renderers only as plugins: a
 * `postrenderer/v1` subprocess plugin is written into the private HELM_DATA_HOME of the one helm
 * invocation that needs it. Helm pipes the rendered manifests to its script; the script runs
 * kustomize once per postRenderers entry, in order, each pass over the previous pass's output.
 * The stored release manifest is therefore the post-rendered one, as with Flux.
 *
 * @module
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

/** The plugin's name, as `--post-renderer` names it. */
export const POST_RENDER_PLUGIN = 'ballast-kustomize';

/** What the post-renderer does: one kustomization per pass, over `manifests.yaml`. */
export interface PostRenderPlan {
  kustomizeBinary: string;
  kustomizations: Record<string, unknown>[];
}

/** A Flux `postRenderers[].kustomize` entry as a kustomization over the rendered manifests. */
export function kustomizationFor(pass: { patches?: unknown[]; images?: unknown[] }): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['manifests.yaml'],
    ...(pass.patches?.length ? { patches: pass.patches } : {}),
    ...(pass.images?.length ? { images: pass.images } : {}),
  };
}

// POSIX sh, so the plugin needs nothing the worker image lacks. `set -e` makes a kustomize error
// fail the helm command. Helm drops a plugin's stderr ("exited with error"), so kustomize's
// message goes to a file that runHelm adds to helm's own stderr.
const SCRIPT = `#!/bin/sh
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/out.yaml"
for pass in "$HELM_PLUGIN_DIR"/pass-*; do
  mv "$work/out.yaml" "$work/manifests.yaml"
  cp "$pass/kustomization.yaml" "$work/kustomization.yaml"
  "$BALLAST_KUSTOMIZE" build "$work" > "$work/out.yaml" 2>> "$BALLAST_POST_RENDER_ERRORS"
done
cat "$work/out.yaml"
`;

/** Where the plugin writes kustomize's errors, inside the invocation's private home. */
export const postRenderErrorsFile = (helmHome: string): string => path.join(helmHome, 'post-render.err');

/**
 * Writes the plugin under `<helmHome>/data/plugins`; returns the environment helm must pass on to
 * it (the kustomize binary and the errors file).
 */
export async function writePostRenderPlugin(helmHome: string, plan: PostRenderPlan): Promise<Record<string, string>> {
  const helmDataHome = path.join(helmHome, 'data');
  const dir = path.join(helmDataHome, 'plugins', POST_RENDER_PLUGIN);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const metadata = {
    apiVersion: 'v1',
    name: POST_RENDER_PLUGIN,
    type: 'postrenderer/v1',
    runtime: 'subprocess',
    version: '0.1.0',
    runtimeConfig: { platformCommand: [{ command: '${HELM_PLUGIN_DIR}/post-render.sh' }] },
  };
  await writeFile(path.join(dir, 'plugin.yaml'), stringify(metadata));
  await writeFile(path.join(dir, 'post-render.sh'), SCRIPT);
  await chmod(path.join(dir, 'post-render.sh'), 0o700);
  for (const [i, k] of plan.kustomizations.entries()) {
    const pass = path.join(dir, `pass-${String(i).padStart(3, '0')}`);
    await mkdir(pass);
    await writeFile(path.join(pass, 'kustomization.yaml'), stringify(k));
  }
  return { BALLAST_KUSTOMIZE: plan.kustomizeBinary, BALLAST_POST_RENDER_ERRORS: postRenderErrorsFile(helmHome) };
}
