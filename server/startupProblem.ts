import type { Config } from './env.js';

/**
 * Start-up failures an operator can fix, as one line naming the problem and the setting to change
 * (issue 13), instead of a stack trace. Anything else returns null and is thrown as before.
 */
export function startupProblem(error: unknown, config: Pick<Config, 'dataDir' | 'port' | 'host'> & { databaseUrl?: string | undefined }, stage: 'data' | 'listen'): string | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const prefix = 'RoamSign cannot start:';
  if (stage === 'listen') {
    if (code === 'EADDRINUSE') return `${prefix} port ${config.port} on ${config.host} is already in use by another program; stop it or set PORT to a free port`;
    if (code === 'EACCES') return `${prefix} not allowed to listen on port ${config.port} on ${config.host}; set PORT to 1024 or above`;
    if (code === 'EADDRNOTAVAIL') return `${prefix} ${config.host} is not an address of this machine; set HOST (e.g. 127.0.0.1 or 0.0.0.0)`;
    return null;
  }
  if (config.databaseUrl) {
    const database = databaseProblem(code, config.databaseUrl, (error as Error | undefined)?.message ?? '');
    if (database) return `${prefix} ${database}`;
  }
  if (code === 'ROAMSIGN_DATA_FOLDER_IN_USE') return `${prefix} another RoamSign server is running on the data folder ${config.dataDir}; stop it, or set ROAMSIGN_DATA_DIR to another folder (several servers share data only through ROAMSIGN_DATABASE_URL)`;
  if (code === 'ENOTDIR' || code === 'EEXIST') return `${prefix} the data folder ${config.dataDir} is not a folder (a file is in the way); set ROAMSIGN_DATA_DIR to a folder`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `${prefix} the data folder ${config.dataDir} is not writable by this user; fix its permissions or set ROAMSIGN_DATA_DIR to a writable folder`;
  return null;
}

/** The PostgreSQL URL as the operator wrote it, without its password. */
function shownUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'ROAMSIGN_DATABASE_URL';
  }
}

/**
 * PostgreSQL refusals (issue 23 item 3), one line each instead of pg's stack: the server cannot be
 * reached, the role or password is wrong, the database does not exist, or the role may not use it.
 */
function databaseProblem(code: string | undefined, databaseUrl: string, message: string): string | null {
  const at = shownUrl(databaseUrl);
  switch (code) {
    case 'ECONNREFUSED':
      return `no PostgreSQL server answers at ${at}; start it, or fix the host and port in ROAMSIGN_DATABASE_URL`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host of ${at} is not known; fix ROAMSIGN_DATABASE_URL`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `PostgreSQL at ${at} cannot be reached (${code}); check the network, or fix ROAMSIGN_DATABASE_URL`;
    case '28000':
    case '28P01':
      return `PostgreSQL refused the sign-in of ${at} (${message}); fix the user or password in ROAMSIGN_DATABASE_URL, or create the role`;
    case '3D000':
      return `PostgreSQL at ${at} has no such database (${message}); create it (createdb) or fix ROAMSIGN_DATABASE_URL`;
    case '42501':
      return `the PostgreSQL role of ${at} may not use that database (${message}); grant it the rights or use the owner`;
    default:
      return null;
  }
}
