/**
 * The RoamSign address a tool assumes when none is configured (issue 23 item 2): the server's own
 * rule, ROAMSIGN_PUBLIC_URL, else http://localhost:PORT (8787). The extension's build takes it from
 * the environment it is built in (wxt.config.ts), so `PORT=19100 npm run build:extension` points at 19100.
 */
export function defaultServerUrl(env: Record<string, string | undefined>): string {
  const publicUrl = env.ROAMSIGN_PUBLIC_URL?.trim();
  if (publicUrl && /^https?:\/\/\S+$/.test(publicUrl)) return publicUrl.replace(/\/+$/, '');
  const port = env.PORT && /^\d{1,5}$/.test(env.PORT) && env.PORT !== '0' ? env.PORT : '8787';
  return `http://localhost:${port}`;
}
