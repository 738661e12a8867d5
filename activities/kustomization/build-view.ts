import { cp, mkdir, readdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { resolveBuildPath } from '../kustomize/build.js';

/**
 * Lays out in `into` a private, writable view of the shared extracted artifact `shared` for a
 * build of `specPath`, and returns the build directory inside it.
 *
 * The build rewrites the kustomization.yaml of its own directory (Flux merges the spec's
 * targetNamespace, patches, images… into it), so that directory is copied, files and
 * subdirectories. Everything else stays shared: each directory on the way down from the root is a
 * real directory whose other entries are symlinks into `shared`. Relative references (`../base`,
 * `../../components/x`) resolve as they would in a full copy, and a view costs the build directory
 * plus one symlink per sibling on its path, instead of the whole artifact.
 */
export async function layOutBuildView(shared: string, specPath: string | undefined, into: string): Promise<string> {
  const source = await resolveBuildPath(shared, specPath);
  const parts = path.relative(shared, source).split(path.sep).filter(Boolean);
  let rel = '';
  for (const part of parts) {
    await mkdir(path.join(into, rel), { recursive: true });
    for (const entry of await readdir(path.join(shared, rel))) {
      if (entry === part) continue;
      await symlink(path.join(shared, rel, entry), path.join(into, rel, entry));
    }
    rel = path.join(rel, part);
  }
  const target = path.join(into, rel);
  // verbatimSymlinks: the artifact's own relative links keep pointing where they pointed.
  await cp(source, target, { recursive: true, verbatimSymlinks: true });
  return target;
}
