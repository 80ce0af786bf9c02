import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');

/** What scripts/fuzz.mjs --summary-json prints. */
interface FuzzSummary {
  readonly variants: number;
  readonly runs: number;
  readonly codes: Record<string, number>;
  readonly problems: readonly { id: number; mutation: string; command: string; p: string }[];
}

suite('mutation fuzz of the CLI (issue 12), quick seeded form', () => {
  test('25 mutants through 4 commands: no crash, hang, blow-up, unpositioned exit 2 or bad JSON', function () {
    this.timeout(240_000);
    // the CLI as the unit build compiled it (out/src/cli.js), so the test never runs a stale bundle
    const cli = path.join(ROOT, 'out', 'src', 'cli.js');
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'scripts', 'fuzz.mjs'), '--variants', '25', '--seed', '7', '--cli', cli, '--summary-json'],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
    );
    const summary = JSON.parse(r.stdout) as FuzzSummary;
    assert.strictEqual(summary.runs, 100);
    assert.deepStrictEqual(
      summary.problems.map((p) => `#${p.id} [${p.mutation}] ${p.command}: ${p.p}`),
      [],
    );
    // the mutants are mostly refused (exit 2) but some still run: both paths are exercised
    assert.ok((summary.codes['2'] ?? 0) > 20 && (summary.codes['0'] ?? 0) + (summary.codes['1'] ?? 0) > 5);
    assert.strictEqual(r.status, 0);
  });
});
