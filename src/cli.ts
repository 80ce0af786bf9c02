/** Command-line entry point (dist/cli.js): `gradient-debugger analyze|train|check FILE [options]`. */
import { runCli } from './cli/main';
import { nodeIo } from './cli/io';

declare const PACKAGE_VERSION: string | undefined;

process.exitCode = runCli(
  process.argv.slice(2),
  nodeIo(),
  typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.1.0',
);

// `gradient-debugger … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
