import fs from 'node:fs';
import path from 'node:path';

// Issue 23 item 2: every link RoamSign writes comes from one place, ROAMSIGN_PUBLIC_URL, else the
// address the server listens on. The server records the URL it uses in its data folder, so the
// CLI run beside it (same ROAMSIGN_DATA_DIR) writes the same links and names the same outbox.

const FILE = 'public-url';

/** Written by the server once it listens; a folder it cannot write only loses the CLI's hint. */
export function recordPublicUrl(dataDir: string, url: string): boolean {
  try {
    fs.writeFileSync(path.join(dataDir, FILE), `${url}\n`);
    return true;
  } catch {
    return false;
  }
}

/** The URL the last server on this data folder used, if one recorded it. */
export function recordedPublicUrl(dataDir: string): string | undefined {
  try {
    const url = fs.readFileSync(path.join(dataDir, FILE), 'utf8').trim();
    return /^https?:\/\/\S+$/.test(url) ? url : undefined;
  } catch {
    return undefined;
  }
}
