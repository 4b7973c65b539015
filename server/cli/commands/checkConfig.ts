import { checkConfig } from '../../config/checkConfig.js';
import { defineCommand } from '../command.js';

export const checkConfigCommand = defineCommand({
  name: 'check-config',
  args: [],
  options: {},
  description:
    'print the effective configuration (secrets masked) and every problem: bad values, sandbox on in production, a public URL without https, trusted proxies too wide, an SMTP server, TSA or HSM that does not answer; exit 1 on a problem',
  parse: () => ({}),
  async run() {
    const { settings, problems } = await checkConfig(process.env);
    const width = Math.max(...settings.map((s) => s.name.length));
    for (const s of settings) console.log(`${s.name.padEnd(width)}  ${s.source === 'unset' ? '-' : s.value}${s.source === 'default' ? '  (default)' : ''}`);
    console.log('');
    if (problems.length === 0) {
      console.log('no problems found');
      return 0;
    }
    for (const problem of problems) console.error(`problem: ${problem}`);
    return 1;
  },
});
