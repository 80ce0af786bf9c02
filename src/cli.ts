/** Command-line entry point (dist/cli.js): `gradient-debugger analyze|train|check FILE [options]`. */
import { EXIT, runCli } from './cli/main';
import { nodeIo } from './cli/io';
import { threadKernels } from './host/worker/productHelper';

declare const PACKAGE_VERSION: string | undefined;

// anything thrown outside runCli's own guard (an output stream's error, say) is still one line and exit 70
process.on('uncaughtException', (e: Error) => {
  const stack = process.argv.includes('--debug') ? `\n${e.stack ?? ''}` : ' (run with --debug for the stack)';
  process.stderr.write(`gradient-debugger: internal error: ${e.message}${stack}\n`);
  process.exit(EXIT.internal);
});

process.exitCode = runCli(
  process.argv.slice(2),
  { ...nodeIo(), kernels: threadKernels() }, // large products on two threads, as in the editor's worker
  typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.1.0',
);

// `gradient-debugger … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
