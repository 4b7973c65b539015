import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/env.js';

describe('configuration', () => {
  it('has the API.md defaults', () => {
    const config = parseConfig({ ROAMSIGN_SANDBOX: '1' });
    expect(config).toMatchObject({ port: 8787, host: '127.0.0.1', sandbox: true, otpTtlSeconds: 120, allowedOrigins: [], publicUrl: 'http://localhost:8787' });
    expect(config.dataDir).toBe(path.resolve('./data'));
  });

  it('derives the public URL from PORT and reads the variables', () => {
    const config = parseConfig({ ROAMSIGN_SANDBOX: '1', PORT: '9000', ROAMSIGN_OTP_TTL_SECONDS: '30', ROAMSIGN_ALLOWED_ORIGINS: 'https://a.gov.my, http://b.gov.my:8080' });
    expect(config.publicUrl).toBe('http://localhost:9000');
    expect(config.otpTtlSeconds).toBe(30);
    expect(config.allowedOrigins).toEqual(['https://a.gov.my', 'http://b.gov.my:8080']);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ ROAMSIGN_OTP_TTL_SECONDS: '0' }, 'ROAMSIGN_OTP_TTL_SECONDS'],
    [{ ROAMSIGN_ALLOWED_ORIGINS: 'https://a.gov.my/path' }, 'ROAMSIGN_ALLOWED_ORIGINS'],
    [{ ROAMSIGN_PUBLIC_URL: 'not a url' }, 'ROAMSIGN_PUBLIC_URL'],
    [{ ROAMSIGN_SANDBOX: 'yes' }, 'ROAMSIGN_SANDBOX'],
    [{ ROAMSIGN_PIN_SCRYPT_N: '1000' }, 'ROAMSIGN_PIN_SCRYPT_N'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => parseConfig({ ROAMSIGN_SANDBOX: '1', ...env })).toThrow(name);
  });

  it('outside sandbox mode requires SMTP', () => {
    expect(() => parseConfig({})).toThrow('ROAMSIGN_SMTP_URL');
    expect(parseConfig({ ROAMSIGN_SMTP_URL: 'smtp://mail.gov.my:587' }).sandbox).toBe(false);
  });
});
