import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { demoRoutes } from '../../server/routes/demo.js';

const app = new Hono().route('/', demoRoutes({ widgetScriptUrl: '/widget.js' }));

describe('demo screens with ?csp=strict', () => {
  it('are served with a strict Content-Security-Policy; without it, none', async () => {
    const strict = await app.request('/demo/igfmas/document/STH-2026-000123?csp=strict');
    expect(strict.status).toBe(200);
    expect(strict.headers.get('content-security-policy')).toContain("frame-src 'self'");
    expect(strict.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const plain = await app.request('/demo/igfmas/document/STH-2026-000123');
    expect(plain.headers.get('content-security-policy')).toBeNull();
  });
});
