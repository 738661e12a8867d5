/** Tests use the local environment's Git server and fixtures; see tools/localenv/git-server.ts. */
export { createGitFixture, runGit, startGitHttpServer } from '../../tools/localenv/git-server.js';
export type { GitFixture, GitHttpServer, GitHttpServerOptions } from '../../tools/localenv/git-server.js';
