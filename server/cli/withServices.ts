import { RoamSignError } from '../../shared/errors.js';
import { parseConfig } from '../env.js';
import { createServices, type Services } from '../services.js';

/**
 * Runs a command on the data the environment names (ROAMSIGN_DATA_DIR, ROAMSIGN_DATABASE_URL: the
 * same as the server's), then closes it. A refusal (unknown officer, unknown agency, retired
 * officer) is the operator's input: said in one line with its code, exit 1.
 */
export async function withServices(run: (services: Services) => Promise<number>): Promise<number> {
  const config = parseConfig(process.env, { requireSmtp: false });
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
