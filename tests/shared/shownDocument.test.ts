import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalDocumentText } from '../../shared/document.js';
import { parseJobInput } from '../../shared/jobInput.js';
import { showDocument } from '../../shared/shownDocument.js';

const page = {
  fields: { noBaucer: 'BV-1', tarikh: '01/02/2026', penerima: '  Syarikat   Satu ', amaun: 'RM 1,100.00' },
  labels: { noBaucer: 'No. Baucer', amaun: 'Amaun (RM)' },
  idField: 'noBaucer',
  amountField: 'amaun',
  payeeField: 'penerima',
  title: 'Baucer Bayaran',
};

describe('what the dialog shows is what it hashes', () => {
  it('lists every field, amount and payee first, by label (else name), values as hashed', () => {
    const { rows } = showDocument(page);
    expect(rows).toEqual([
      { name: 'amaun', label: 'Amaun (RM)', value: 'RM 1,100.00' },
      { name: 'penerima', label: 'penerima', value: 'Syarikat Satu' },
      { name: 'noBaucer', label: 'No. Baucer', value: 'BV-1' },
      { name: 'tarikh', label: 'tarikh', value: '01/02/2026' },
    ]);
  });

  it('digests exactly the shown fields by the one canonical rule (SHA-256 in JavaScript, no crypto.subtle)', () => {
    const { document } = showDocument(page);
    const expected = crypto.createHash('sha256').update(canonicalDocumentText(page.fields), 'utf8').digest('base64');
    expect(document.digest).toBe(expected);
    expect(document).toMatchObject({ id: 'BV-1', summary: { title: 'Baucer Bayaran', amount: '1,100.00', currency: 'MYR', payee: 'Syarikat Satu' } });
  });

  it('leaves out an amount the API would refuse, rather than fail the request', () => {
    expect(showDocument({ ...page, fields: { ...page.fields, amaun: '1,1,00' } }).document.summary).not.toHaveProperty('amount');
  });
});

describe('a job crossing into the dialog or the worker', () => {
  const job = { kind: 'page', nric: '900101011234', document: page };
  it('is taken when well formed', () => {
    expect(parseJobInput(job)).toEqual(job);
    expect(parseJobInput({ kind: 'refused', problem: 'no_officer' })).toEqual({ kind: 'refused', problem: 'no_officer' });
    expect(parseJobInput({ kind: 'refused', problem: 'hidden_selected', detail: 'BV-4' })).toEqual({ kind: 'refused', problem: 'hidden_selected', detail: 'BV-4' });
  });

  it('takes a batch of 2 to 500 documents, each checked like one', () => {
    const batch = { kind: 'pages', nric: '900101011234', documents: [page, { ...page, fields: { ...page.fields, noBaucer: 'BV-2' } }] };
    expect(parseJobInput(batch)).toEqual(batch);
    expect(parseJobInput({ ...batch, documents: Array.from({ length: 500 }, () => page) })).not.toBeNull();
  });

  it.each([
    ['no kind', { ...job, kind: undefined }],
    ['a short MyKad number', { ...job, nric: '9001' }],
    ['no fields', { ...job, document: { ...page, fields: {} } }],
    ['an id field that is not a field', { ...job, document: { ...page, idField: 'x' } }],
    ['a field name with "="', { ...job, document: { ...page, fields: { 'a=b': '1' }, idField: 'a=b' } }],
    ['a value that is not text', { ...job, document: { ...page, fields: { ...page.fields, amaun: 5 } } }],
    ['a huge value', { ...job, document: { ...page, fields: { ...page.fields, tarikh: 'x'.repeat(10_001) } } }],
    ['an unknown refusal', { kind: 'refused', problem: 'because' }],
    ['digests that are not a list', { kind: 'digests', nric: '900101011234', documents: 'x' }],
    ['a batch of one (that is a page)', { kind: 'pages', nric: '900101011234', documents: [page] }],
    ['a batch over 500', { kind: 'pages', nric: '900101011234', documents: Array.from({ length: 501 }, () => page) }],
    ['a batch with one bad document', { kind: 'pages', nric: '900101011234', documents: [page, { ...page, idField: 'x' }] }],
  ])('is refused with %s', (_name, input) => {
    expect(parseJobInput(input)).toBeNull();
  });
});
