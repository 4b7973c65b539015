import crypto from 'node:crypto';
import pg from 'pg';

/**
 * Messages between the server processes of one cluster (issue 10): GPKI Mobile pushes, their acks
 * and device deactivations reach whichever node holds the phone's live stream. Every node receives
 * every message, its own included.
 */
export interface ClusterBus {
  publish(message: BusMessage): Promise<void>;
  subscribe(handler: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
}

export type BusMessage = { topic: string; body: unknown };

/** One process (SQLite): the bus is a list of handlers, called after the publisher's turn. */
export function createLocalBus(): ClusterBus {
  const handlers = new Set<(message: BusMessage) => void>();
  return {
    async publish(message) {
      queueMicrotask(() => handlers.forEach((handler) => handler(structuredClone(message))));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}

const CHANNEL = 'roamsign_bus';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7900;
const RECONNECT_MS = 1000;

/**
 * PostgreSQL LISTEN/NOTIFY: the cluster already shares PostgreSQL, so no other broker is needed.
 * NOTIFY is transient (never in a table or the WAL), and payloads are sealed with AES-256-GCM under a
 * key derived from the master key every node shares: an OTP in a push is readable by the nodes only,
 * not by anyone else who can LISTEN on the database. A node whose listening connection drops
 * reconnects; what it missed meanwhile falls back as a lost push does (e-mail after the ack wait).
 */
export async function createPgBus(options: { url: string; pool: pg.Pool; key: Buffer; onError?: (error: Error) => void }): Promise<ClusterBus> {
  const { url, pool, key } = options;
  const handlers = new Set<(message: BusMessage) => void>();
  let closed = false;
  let listener: pg.Client | null = null;

  const seal = (message: BusMessage): string => {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(message), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  };
  const open = (payload: string): BusMessage | null => {
    try {
      const raw = Buffer.from(payload, 'base64');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as BusMessage;
    } catch {
      return null; // not ours (another key, or garbage): ignored
    }
  };

  let retry: NodeJS.Timeout | null = null;
  function reconnectLater(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      listen().catch((error: Error) => {
        options.onError?.(error);
        reconnectLater();
      });
    }, RECONNECT_MS);
    retry.unref();
  }

  async function listen(): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (n) => {
      const message = n.channel === CHANNEL && n.payload ? open(n.payload) : null;
      if (message) handlers.forEach((handler) => handler(message));
    });
    client.on('error', (error) => options.onError?.(error));
    client.on('end', () => {
      if (listener !== client) return;
      listener = null;
      reconnectLater();
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    listener = client;
  }
  await listen();

  return {
    async publish(message) {
      const payload = seal(message);
      if (payload.length >= MAX_PAYLOAD_BYTES) throw new Error(`bus message too large (${payload.length} bytes)`);
      await pool.query('select pg_notify($1, $2)', [CHANNEL, payload]);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      handlers.clear();
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
    },
  };
}
