#!/usr/bin/env node
// The `ballast` bin: registers tsx (a runtime dependency) so the TypeScript sources run as they
// are, then runs the CLI. Resolved from this file, so it works from any directory and via npm link.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./main.ts', import.meta.url).href);
