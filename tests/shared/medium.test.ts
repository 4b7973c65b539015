import { describe, expect, it } from 'vitest';
import { usesTokenFlow } from '../../shared/schemas/medium.js';

describe('token flow decision', () => {
  it.each([
    [{ nric: 'x', media: ['token'], preferred: 'token' }, true],
    [{ nric: 'x', media: ['roaming', 'token'], preferred: 'token' }, true],
    [{ nric: 'x', media: ['roaming', 'token'], preferred: 'roaming' }, false],
    [{ nric: 'x', media: ['roaming'], preferred: 'token' }, false],
  ] as const)('%j -> %s', (medium, token) => {
    expect(usesTokenFlow({ ...medium, media: [...medium.media] })).toBe(token);
  });
});
