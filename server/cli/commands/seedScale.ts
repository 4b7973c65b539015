import path from 'node:path';
import { eq } from 'drizzle-orm';
import { DB_FILE } from '../../dataFolder.js';
import { openDb } from '../../db/database.js';
import { DEMO_AGENCY } from '../../demo/demoData.js';
import { parseConfig } from '../../env.js';
import { seedScale as seed, type SeedProgress } from '../../ops/seedScale.js';
import { defineCommand, UsageError } from '../command.js';
import { progressBar, type ProgressBar } from '../progressBar.js';

/** A count option: a whole number, 0 or more. */
function count(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new UsageError(`--${option} ${JSON.stringify(value)} is not a whole number`);
  return n;
}

export const seedScale = defineCommand({
  name: 'seed-scale',
  args: [],
  options: {
    officers: { type: 'string', value: 'N', default: '100000', help: 'officers to add (default 100,000), MyKad numbers 70…, over --agencies agencies' },
    signatures: { type: 'string', value: 'M', default: '1000000', help: 'signed requests to add, one signature each, over the past year (default 1,000,000)' },
    agencies: { type: 'string', value: 'K', default: '20', help: 'agencies the officers spread over (default 20; the first is the demo agency 1009)' },
  },
  description:
    'sandbox only: fill the database with made-up national-scale data (officers with the spread of statuses the console filters by, signed requests with filler signatures) to try the console and the query plans at real sizes; the server must have started once on the data (npm start). A progress bar on stderr; running it again adds nothing twice.',
  parse: (_, values) => ({ officers: count(values.officers, 'officers'), signatures: count(values.signatures, 'signatures'), agencies: Math.max(1, count(values.agencies, 'agencies')) }),
  run: async (input) => {
    const config = parseConfig(process.env, { requireSmtp: false });
    // Made-up officers in a real service would be officers nobody is: only in a sandbox.
    if (!config.sandbox) {
      console.error('seed-scale writes made-up officers and signatures: only in sandbox mode (ROAMSIGN_SANDBOX=1); nothing was changed');
      return 1;
    }
    const db = await openDb(config.databaseUrl ?? path.join(config.dataDir, DB_FILE));
    try {
      const { agencies, systems } = db.t;
      // The seeded officers belong to the demo agency (among others) and sign for iGFMAS: both must be there.
      const agency = await db.orm.select({ code: agencies.code }).from(agencies).where(eq(agencies.code, DEMO_AGENCY.code));
      const system = await db.orm.select({ id: systems.id }).from(systems).where(eq(systems.id, 'igfmas'));
      if (!agency.length || !system.length) {
        console.error(`no demo agency ${DEMO_AGENCY.code} or system igfmas in this database: start the server on it once in sandbox mode (npm start), then seed; nothing was changed`);
        return 1;
      }
      const started = performance.now();
      let bar: { phase: SeedProgress['phase']; bar: ProgressBar } | undefined;
      await seed(db, {
        ...input,
        onProgress: ({ phase, done, total }) => {
          if (bar?.phase !== phase) {
            bar?.bar.stop();
            bar = { phase, bar: progressBar(phase, total) };
          }
          bar.bar.update(done);
        },
      });
      bar?.bar.stop();
      console.log(`seeded ${input.officers.toLocaleString('en')} officers and ${input.signatures.toLocaleString('en')} signatures in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      return 0;
    } finally {
      await db.close();
    }
  },
});
