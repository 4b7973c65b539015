import { Hono } from 'hono';
import pkg from '../../package.json' with { type: 'json' };

export const healthRoutes = new Hono().get('/health', (c) => c.json({ status: 'ok', version: pkg.version }));
