// The README's main job: build, then print the analysis of every bundled example.
// (Replaced by the VS Code launcher once the extension lands.)
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
process.exit(run(process.execPath, ['dist/cli.js', 'analyze', 'examples/']));
