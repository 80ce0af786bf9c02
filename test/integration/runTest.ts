/**
 * The standard @vscode/test-electron launcher (`npm run test:integration`): downloads a desktop VS Code
 * (needs internet), opens a copy of examples/ and runs suite/index.ts inside its extension host.
 * On machines without internet the same scenarios run through the UI in test/e2e (code-server).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-integration-'));
  fs.cpSync(path.join(root, 'examples'), workspace, { recursive: true });
  fs.cpSync(path.join(root, 'test', 'fixtures', 'invalid'), path.join(workspace, 'invalid'), { recursive: true });
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(__dirname, 'suite', 'index'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
