import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalDocumentText, documentDigest, toBase64 } from '../../shared/document.js';
import { amountToSen, batchTotal, formatSen } from '../../shared/money.js';

describe('canonical document', () => {
  it.each([
    [{ b: '2', a: '1' }, 'a=1\nb=2\n'],
    [{ noDokumen: '  STH-1 ', amaun: '12,500.00' }, 'amaun=12,500.00\nnoDokumen=STH-1\n'],
    [{ keterangan: 'Bekalan\n  alat\ttulis ' }, 'keterangan=Bekalan alat tulis\n'],
    [{ a: '' }, 'a=\n'],
    [{}, ''],
  ])('%j -> %j', (fields, text) => {
    expect(canonicalDocumentText(fields)).toBe(text);
  });

  it('does not depend on field order or layout whitespace', async () => {
    expect(await documentDigest({ x: 'a  b', y: 'c' })).toBe(await documentDigest({ y: ' c', x: 'a b' }));
    expect(await documentDigest({ x: 'a b' })).not.toBe(await documentDigest({ x: 'ab' }));
  });

  it('digest is SHA-256 of the UTF-8 canonical text, base64', async () => {
    const fields = { penerima: 'Syarikat Ñ', amaun: '1.00' };
    const expected = crypto.createHash('sha256').update(canonicalDocumentText(fields), 'utf8').digest('base64');
    expect(await documentDigest(fields)).toBe(expected);
    expect(toBase64(new Uint8Array([0, 255, 1]))).toBe(Buffer.from([0, 255, 1]).toString('base64'));
  });
});

describe('amounts', () => {
  it.each([
    ['12,500.00', 1_250_000n],
    ['0.5', 50n],
    ['-1,000', -100_000n],
    ['1000.05', 100_005n],
    ['abc', null],
    ['1,2,3.x', null],
  ])('%s is %s sen', (amount, sen) => expect(amountToSen(amount)).toBe(sen));

  it('formats and totals a batch; mixed currencies have no total', () => {
    expect(formatSen(123456789n)).toBe('1,234,567.89');
    expect(batchTotal([{ amount: '1,000.50' }, { amount: '99.50', currency: 'MYR' }])).toBe('RM 1,100.00');
    expect(batchTotal([{ amount: '1.00', currency: 'MYR' }, { amount: '1.00', currency: 'USD' }])).toBeNull();
    expect(batchTotal([{ amount: '1.00' }, undefined])).toBeNull();
  });
});

