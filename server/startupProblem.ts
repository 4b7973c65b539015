import type { Config } from './env.js';

/**
 * Start-up failures an operator can fix, as one line naming the problem and the setting to change
 * (issue 13), instead of a stack trace. Anything else returns null and is thrown as before.
 */
export function startupProblem(error: unknown, config: Pick<Config, 'dataDir' | 'port' | 'host'>, stage: 'data' | 'listen'): string | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const prefix = 'RoamSign cannot start:';
  if (stage === 'listen') {
    if (code === 'EADDRINUSE') return `${prefix} port ${config.port} on ${config.host} is already in use by another program; stop it or set PORT to a free port`;
    if (code === 'EACCES') return `${prefix} not allowed to listen on port ${config.port} on ${config.host}; set PORT to 1024 or above`;
    if (code === 'EADDRNOTAVAIL') return `${prefix} ${config.host} is not an address of this machine; set HOST (e.g. 127.0.0.1 or 0.0.0.0)`;
    return null;
  }
  if (code === 'ROAMSIGN_DATA_FOLDER_IN_USE') return `${prefix} another RoamSign server is running on the data folder ${config.dataDir}; stop it, or set ROAMSIGN_DATA_DIR to another folder (several servers share data only through ROAMSIGN_DATABASE_URL)`;
  if (code === 'ENOTDIR' || code === 'EEXIST') return `${prefix} the data folder ${config.dataDir} is not a folder (a file is in the way); set ROAMSIGN_DATA_DIR to a folder`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `${prefix} the data folder ${config.dataDir} is not writable by this user; fix its permissions or set ROAMSIGN_DATA_DIR to a writable folder`;
  return null;
}
