/** How a fetch or XHR approval carries the signature fields: added to its body in the body's own format. */

export type Body = BodyInit | Document | null | undefined;

export const canCarry = (body: Body) => body == null || typeof body === 'string' || body instanceof FormData || body instanceof URLSearchParams;

/** The body with the signature fields added in its own format (form data, URL-encoded, JSON object). */
export function withFields(body: Body, extra: [string, string][]): Body {
  if (!extra.length) return body;
  if (body instanceof FormData) {
    const copy = new FormData();
    body.forEach((v, k) => copy.append(k, v));
    extra.forEach(([k, v]) => copy.append(k, v));
    return copy;
  }
  if (typeof body === 'string') {
    try {
      const json = JSON.parse(body) as unknown;
      if (json && typeof json === 'object' && !Array.isArray(json)) return JSON.stringify({ ...json, ...Object.fromEntries(extra) });
    } catch {
      // URL-encoded
    }
    return `${body}${body ? '&' : ''}${new URLSearchParams(extra)}`;
  }
  const params = new URLSearchParams(body instanceof URLSearchParams ? body : undefined);
  extra.forEach(([k, v]) => params.append(k, v));
  return params;
}

