/** `npm run docs:settings`: rewrites the settings tables of docs/operations.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withDocTables } from './docs.js';

// From dist/config/ (where npm run docs:settings runs it) and src/config/ alike.
const page = fileURLToPath(new URL('../../docs/operations.md', import.meta.url));
const before = readFileSync(page, 'utf8');
const after = withDocTables(before);
if (after === before) {
  process.stdout.write('docs/operations.md is up to date\n');
} else {
  writeFileSync(page, after);
  process.stdout.write('docs/operations.md: settings tables rewritten\n');
}
