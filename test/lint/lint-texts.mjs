// Lints pieces of code as if they were the given files, with the project's ESLint config, and
// prints each one's messages as JSON. A child process of test/lint/layers.test.ts: ESLint loads
// its config with a dynamic import, which jest's module system does not run.
import { ESLint } from 'eslint';

const cases = JSON.parse(process.argv[2]);
const eslint = new ESLint({ cwd: process.cwd() });
const results = [];
for (const { filePath, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(results));
