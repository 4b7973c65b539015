import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, pipeline } from 'node:stream';
import { RewritingStream } from 'parse5-html-rewriting-stream';
import type { WidgetPage } from './matchRoutes.js';
import { widgetCsp } from './widgetCsp.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'proxy-connection', 'upgrade']);

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The agency's one script tag (README "Embed the widget"), with the page's data-* attributes. */
export function widgetScriptTag(roamsignUrl: string, attributes: Record<string, string>): string {
  const rendered = Object.entries(attributes).map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
  return `<script src="${escapeAttribute(new URL('/widget.js', roamsignUrl).href)}"${rendered} async></script>`;
}

/** Only an HTML 200 in an ASCII-compatible encoding, not compressed, is rewritten. */
function rewritable(res: IncomingMessage): boolean {
  const type = res.headers['content-type'] ?? '';
  const encoding = res.headers['content-encoding'];
  return res.statusCode === 200 && /^text\/html\b/i.test(type) && !/charset=\s*"?utf-16/i.test(type) && (encoding === undefined || encoding === 'identity');
}

/**
 * Answers with the back end's response, the widget's script tag added before `</body>` by a
 * streaming HTML rewriter (parse5), and its origin added to the page's CSP. The bytes are read
 * as latin1, one character per byte, so every byte the rewriter does not touch comes out
 * unchanged whatever the page's ASCII-compatible charset. Anything but an HTML page passes as is.
 */
export function answerWithWidget(upstream: IncomingMessage, res: ServerResponse, options: { roamsignUrl: string; page: WidgetPage; onDone?: (injected: boolean) => void }): void {
  const { roamsignUrl, page } = options;
  const inject = rewritable(upstream);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || (inject && HOP_BY_HOP.has(name)) || (!inject && HOP_BY_HOP.has(name) && name !== 'content-length')) continue;
    headers[name] = value;
  }
  if (inject) {
    const origin = new URL(roamsignUrl).origin;
    const csp = upstream.headers['content-security-policy'];
    if (csp !== undefined) headers['content-security-policy'] = Array.isArray(csp) ? csp.map((v) => widgetCsp(v, origin)) : widgetCsp(csp, origin);
  }
  res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, headers);
  if (!inject) {
    pipeline(upstream, res, () => options.onDone?.(false));
    return;
  }

  const tag = widgetScriptTag(roamsignUrl, page.attributes);
  let injected = false;
  const rewriter = new RewritingStream();
  rewriter.on('endTag', (token, raw) => {
    if (!injected && token.tagName === 'body') {
      rewriter.emitRaw(tag);
      injected = true;
    }
    rewriter.emitRaw(raw);
  });
  upstream.setEncoding('latin1');
  const toBytes = new Transform({
    decodeStrings: false,
    transform(chunk: string | Buffer, _encoding, callback) {
      callback(null, typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    },
  });
  pipeline(upstream, rewriter, toBytes, res, () => options.onDone?.(injected));
}
