import { z } from 'zod';
import { MEDIA } from '../systems.js';

/** GET /api/v1/users/:nric/medium (API.md). */
export const mediumAnswerSchema = z
  .object({
    nric: z.string(),
    media: z.array(z.enum(MEDIA)),
    preferred: z.enum(MEDIA).meta({ description: 'token when the officer has no roaming certificate ready' }),
  })
  .meta({ id: 'Medium' });
