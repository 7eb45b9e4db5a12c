// Rewrites the README's exit-code table from agent/errors.ts (`npm run readme:exit-codes`);
// test/cli/exit-codes.test.ts fails when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodesMarkdown } from '../agent/cli/program.ts';
import { replaceExitCodesSection } from './readme-section.ts';

const readme = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
writeFileSync(readme, replaceExitCodesSection(readFileSync(readme, 'utf8'), exitCodesMarkdown()));
