import parseContentSecurityPolicy from 'content-security-policy-parser';

/** Where each directive the widget needs falls back to (CSP 3 §6.8 "effective directive"). */
const NEEDS: { directive: string; fallbacks: string[] }[] = [
  // The loader: <script src="https://roamsign…/widget.js">.
  { directive: 'script-src', fallbacks: ['default-src'] },
  { directive: 'script-src-elem', fallbacks: [] },
  // The dialog: <iframe src="https://roamsign…/widget/frame">.
  { directive: 'frame-src', fallbacks: ['child-src', 'default-src'] },
];

function allow(sources: string[], origin: string): string[] {
  const kept = sources.filter((s) => s !== "'none'");
  return kept.includes(origin) || kept.includes('*') ? kept : [...kept, origin];
}

/**
 * One serialized policy with the widget's origin allowed to load scripts and frames: added to
 * script-src / frame-src where they exist, and where they would fall back to default-src (or
 * child-src) a directive is created from that fallback plus the origin. Other directives stay.
 */
function widenPolicy(policy: string, origin: string): string {
  const directives = parseContentSecurityPolicy(policy);
  if (directives.size === 0) return policy;
  for (const { directive, fallbacks } of NEEDS) {
    const own = directives.get(directive);
    if (own) {
      directives.set(directive, allow(own, origin));
      continue;
    }
    const fallback = fallbacks.map((name) => directives.get(name)).find((v) => v !== undefined);
    if (fallback) directives.set(directive, allow(fallback, origin));
  }
  return [...directives].map(([name, values]) => [name, ...values].join(' ')).join('; ');
}

/** A Content-Security-Policy header value (a comma-separated list of policies, each enforced) widened for the widget. */
export function widgetCsp(header: string, origin: string): string {
  return header
    .split(',')
    .map((policy) => widenPolicy(policy, origin))
    .join(', ');
}
