// How the gate reads a request target (issue 17): one strict parse, then the readings back ends
// are known to make of it. The gate forwards the target it checked (never the raw string for the
// proxy library to resolve on its own), and on a protected route only a path every reading agrees on.

const BASE = 'http://gate.invalid';

export type CheckedTarget = { ok: true; target: string } | { ok: false; reading: string | null };

/** A dot segment, literal or percent-encoded (WHATWG URL resolves `%2e%2E` as `..` too). */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?=\/|\?|$)/i;

/**
 * Every request target before anything else: only origin-form (`/…`, RFC 9112 §3.2.1), visible
 * ASCII, no backslash, no fragment, no dot segment. Browsers never send anything else; a proxy
 * library or a back end would resolve it on its own (`*​/../x` became `/x` behind the gate). A
 * checked target is forwarded in the form WHATWG URL gives it (it differs at most in
 * percent-encoding), so the back end gets the very path the gate matched. A refused one comes
 * with the path a lenient reader would make of it (for the audit, when that path is protected).
 */
export function checkTarget(raw: string): CheckedTarget {
  let lenient: string | null = null;
  try {
    const url = new URL(raw.startsWith('/') ? `${BASE}${raw}` : raw, BASE);
    lenient = `${url.pathname}${url.search}`;
  } catch {
    lenient = null;
  }
  const path = raw.split('?')[0]!;
  if (!raw.startsWith('/') || !/^[\x21-\x7e]*$/.test(raw) || raw.includes('\\') || raw.includes('#') || DOT_SEGMENT.test(path) || lenient === null) {
    return { ok: false, reading: lenient };
  }
  return { ok: true, target: lenient };
}

/** Decoded, or null when the escapes are not UTF-8. */
function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

const segmentsOf = (path: string) => path.split('/').filter((s) => s !== '');
const join = (segments: string[]) => `/${segments.join('/')}`.toLowerCase();

/**
 * The paths a back end may route a checked target's path to, for matching (lower-cased: some back
 * ends ignore case; repeated and trailing slashes dropped): decoded segment by segment (Express,
 * Hono; a decoded `/` stays in its segment), decoded before splitting (`%2F` and `%5C` as separators: Tomcat with ALLOW_ENCODED_SLASH,
 * IIS), and with `;path-parameters` dropped (servlet containers). A rule applies when any of them matches.
 */
export function pathReadings(path: string): string[] {
  const readings = new Set<string>();
  const raw = segmentsOf(path);
  const bySegment = raw.map((s) => decode(s) ?? s);
  readings.add(join(bySegment));
  // Express and Hono routers: a decoded `/` stays inside its segment (one :docNo).
  readings.add(join(bySegment.map((s) => s.replace(/[/\\]/g, '%2f'))));
  readings.add(join(bySegment.map((s) => s.split(';')[0]!)));
  readings.add(join(raw.map((s) => decode(s.split(';')[0]!) ?? s)));
  const whole = decode(path) ?? path;
  readings.add(join(segmentsOf(whole.replace(/\\/g, '/'))));
  readings.add(join(segmentsOf(whole.replace(/\\/g, '/')).map((s) => s.split(';')[0]!)));
  return [...readings];
}

/** One segment as the gate forwards it: unreserved characters and sub-delimiters as they are, anything else percent-encoded. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export type CanonicalPath = { ok: true; segments: string[]; path: string } | { ok: false };

/**
 * The one reading of a protected route's path: each segment percent-decoded once to valid UTF-8,
 * with no `/`, `\`, `;`, `%` or control character in it (those read differently in different back
 * ends), repeated and trailing slashes dropped. `path` is what the back end receives: the same
 * segments, re-encoded the one way.
 */
export function canonicalPath(path: string): CanonicalPath {
  const segments: string[] = [];
  for (const raw of segmentsOf(path)) {
    const decoded = decode(raw);
    if (decoded === null || /[/\\;%\u0000-\u001f\u007f-\u009f]/.test(decoded)) return { ok: false };
    segments.push(decoded);
  }
  return { ok: true, segments, path: `/${segments.map(encodeSegment).join('/')}` };
}
