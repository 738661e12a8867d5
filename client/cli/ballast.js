#!/usr/bin/env node
// The `ballast` bin. Beside the compiled CLI (`npm run build`'s dist/, the image) it runs main.js;
// in a source checkout it registers tsx so the TypeScript sources run as they are. Resolved from
// this file, so it works from any directory and via npm link.
import { existsSync } from 'node:fs';

const compiled = new URL('./main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('./main.ts', import.meta.url).href);
}
