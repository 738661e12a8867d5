/** Entry point of `ballast` (see program.ts); run through tsx by the bin shim ballast.js. */
import { runCli } from './program.js';

// `ballast get all -A | head` closes the pipe early: that is the reader being done, not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await runCli(process.argv.slice(2));
