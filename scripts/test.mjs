// The project's whole test run (the README's test command): build, unit tests,
// then the end-to-end suite in a real VS Code. Every suite runs even when an
// earlier one fails; the run ends with one line "N passed, N failed" summed
// over all suites and fails when any test failed or none ran.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const results = path.join(root, 'test-results');
fs.rmSync(results, { recursive: true, force: true });

/** Runs one npm script, streaming its output; returns true when it exited 0. */
function run(script) {
  console.log(`\n=== npm run ${script}`);
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

const steps = ['build', 'test:unit'];
if (fs.existsSync(path.join(root, 'test', 'e2e'))) steps.push('test:e2e');

/**
 * The PyTorch probe's pytest suite under Debian's python3 (the one with python3-torch); skipped, visibly,
 * where torch or pytest is missing. Writes test-results/pytest.json from pytest's JUnit report.
 */
function runPytest() {
  const python = '/usr/bin/python3';
  console.log('\n=== pytest probe/tests');
  if (spawnSync(python, ['-c', 'import torch, pytest'], { stdio: 'ignore' }).status !== 0) {
    console.log(
      `SKIPPED pytest probe/tests: ${python} lacks torch or pytest (apt-get install python3-torch python3-pytest)`,
    );
    return true;
  }
  fs.mkdirSync(results, { recursive: true });
  const junit = path.join(results, 'pytest-junit.xml');
  const env = { ...process.env, PYTHONPATH: path.join(root, 'probe') };
  const r = spawnSync(python, ['-m', 'pytest', 'probe/tests', '-rs', `--junitxml=${junit}`], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  const xml = fs.existsSync(junit) ? fs.readFileSync(junit, 'utf8') : '';
  const count = (name) => Number(new RegExp(`<testsuite [^>]*\\b${name}="(\\d+)"`).exec(xml)?.[1] ?? 0);
  const failedTests = count('failures') + count('errors');
  const passedTests = count('tests') - failedTests - count('skipped');
  fs.writeFileSync(
    path.join(results, 'pytest.json'),
    JSON.stringify({ suite: 'pytest', passed: passedTests, failed: failedTests }),
  );
  return r.status === 0;
}

let ok = run(steps[0]);
if (ok) for (const s of steps.slice(1)) ok = run(s) && ok;
ok = runPytest() && ok;

let passed = 0;
let failed = 0;
const seen = [];
if (fs.existsSync(results)) {
  for (const f of fs.readdirSync(results).filter((n) => n.endsWith('.json'))) {
    const t = JSON.parse(fs.readFileSync(path.join(results, f), 'utf8'));
    passed += t.passed;
    failed += t.failed;
    seen.push(`${t.suite}: ${t.passed} passed, ${t.failed} failed`);
  }
}
for (const line of seen) console.log(`  ${line}`);
if (!ok && failed === 0) failed = 1; // a suite that crashed before reporting counts as a failure
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 && passed > 0 ? 0 : 1);
