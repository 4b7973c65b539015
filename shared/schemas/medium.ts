import type { Medium } from '../systems.js';

export interface MediumAnswer {
  nric: string;
  media: Medium[];
  preferred: Medium;
}
