// Mocha reporter: the usual spec output, plus the run's totals written to
// test-results/<suite>.json so that scripts/test.mjs can add up every suite.
const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const suite = (options.reporterOptions && options.reporterOptions.suite) || 'tests';
    const failures = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, err) => {
      failures.push({ title: test.fullTitle(), message: String(err && err.message) });
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const dir = path.join(process.cwd(), 'test-results');
      fs.mkdirSync(dir, { recursive: true });
      const totals = { suite, passed: s.passes || 0, failed: s.failures || 0, pending: s.pending || 0, failures };
      fs.writeFileSync(path.join(dir, `${suite}.json`), JSON.stringify(totals, null, 2));
    });
  }
}

module.exports = SpecWithTotals;
