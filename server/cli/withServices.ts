import { RoamSignError } from '../../shared/errors.js';
import { parseConfig, type Config } from '../env.js';
import { recordedPublicUrl } from '../publicUrlRecord.js';
import { createServices, type Services } from '../services.js';

/**
 * The CLI's configuration: the server's, and beside a server its links (ROAMSIGN_PUBLIC_URL, else
 * the address it listens on, recorded in the data folder), not the default port's (issue 23 item 2).
 */
export function cliConfig(env: Record<string, string | undefined>): Config {
  const config = parseConfig(env, { requireSmtp: false });
  if (!env.ROAMSIGN_PUBLIC_URL) config.publicUrl = recordedPublicUrl(config.dataDir) ?? config.publicUrl;
  return config;
}

/**
 * Runs a command on the data the environment names (ROAMSIGN_DATA_DIR, ROAMSIGN_DATABASE_URL: the
 * same as the server's), then closes it. A refusal (unknown officer, unknown agency, retired
 * officer) is the operator's input: said in one line with its code, exit 1.
 */
export async function withServices(run: (services: Services) => Promise<number>): Promise<number> {
  const config = cliConfig(process.env);
  const services = await createServices({ ...config, logLevel: 'silent' }, { seedDemo: false });
  try {
    return await run(services);
  } catch (error) {
    if (!(error instanceof RoamSignError)) throw error;
    console.error(`refused: ${error.code}${error.details ? ` ${JSON.stringify(error.details)}` : ''}`);
    return 1;
  } finally {
    await services.close();
  }
}
