import { describe, expect, it } from 'vitest';
import { canCarry, withFields } from '../../widget/requestBody.js';

const sig: [string, string][] = [
  ['roamsign_request_id', 'sr_1'],
  ['roamsign_signature', 'MIIB+/='],
];

describe('a fetch or XHR approval carries the signature in its own body format', () => {
  it('URL-encoded text: appended, the original bytes kept', () => {
    expect(withFields('a=1&b=x%20y', sig)).toBe('a=1&b=x%20y&roamsign_request_id=sr_1&roamsign_signature=MIIB%2B%2F%3D');
  });

  it('JSON object text: added as properties', () => {
    expect(JSON.parse(withFields('{"noBaucer":"BV-1","n":2}', sig) as string)).toEqual({ noBaucer: 'BV-1', n: 2, roamsign_request_id: 'sr_1', roamsign_signature: 'MIIB+/=' });
  });

  it('FormData and URLSearchParams: copies with the fields appended', () => {
    const form = new FormData();
    form.append('noBaucer', 'BV-1');
    const out = withFields(form, sig) as FormData;
    expect([...out.entries()]).toEqual([['noBaucer', 'BV-1'], ...sig]);
    expect([...form.keys()]).toEqual(['noBaucer']);
    expect((withFields(new URLSearchParams('a=1'), sig) as URLSearchParams).toString()).toBe('a=1&roamsign_request_id=sr_1&roamsign_signature=MIIB%2B%2F%3D');
  });

  it('no body: a URL-encoded one', () => {
    expect((withFields(undefined, sig) as URLSearchParams).get('roamsign_request_id')).toBe('sr_1');
  });

  it('a body it cannot extend is refused before anything is signed', () => {
    expect(canCarry(new Blob(['x']))).toBe(false);
    expect(canCarry(new ArrayBuffer(2))).toBe(false);
    expect(canCarry('a=1')).toBe(true);
    expect(canCarry(null)).toBe(true);
  });
});
