import type { LegacySystem } from './layout.js';

/** What a legacy system received when a form was posted: the whole form, as sent. */
export interface PostedDocument {
  /** 1, 2, 3 … in the order received. */
  seq: number;
  system: LegacySystem;
  documentNo: string;
  /** peraku1 | peraku2 | sah (iGFMAS), perakui | sahkan | lulus (ePerolehan), semak | lulus (SPEKS). */
  action: string;
  /** MyKad number of the officer logged in when it was posted. */
  officer: string;
  /** Every posted field, including hidden inputs other code added to the form (e.g. roamsign_signature). */
  fields: Record<string, string | string[]>;
  /** ISO 8601 UTC. */
  postedAt: string;
}

/** The in-memory list of posted documents of one demoRoutes instance; keeps the newest `max`. */
export function createPostedLog(options: { max?: number } = {}) {
  const { max = 500 } = options;
  const entries: PostedDocument[] = [];
  let seq = 0;
  return {
    add(entry: Omit<PostedDocument, 'seq'>): PostedDocument {
      const posted = { seq: ++seq, ...entry };
      entries.push(posted);
      if (entries.length > max) entries.splice(0, entries.length - max);
      return posted;
    },
    /** Newest first. */
    list(): PostedDocument[] {
      return entries.slice().reverse();
    },
  };
}

export type PostedLog = ReturnType<typeof createPostedLog>;
