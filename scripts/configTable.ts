import fs from 'node:fs';
import { withConfigTable } from '../server/config/configTable.js';

// `npm run docs:config`: rewrites README.md's Configuration table from the environment schema.
const readme = fs.readFileSync('README.md', 'utf8');
const updated = withConfigTable(readme);
if (updated !== readme) fs.writeFileSync('README.md', updated);
console.log(updated === readme ? 'README.md configuration table is up to date' : 'README.md configuration table rewritten');
