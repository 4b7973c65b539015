import type { TimeStampSupplier } from '../pdf/inputs.js';
import type { TimeStamper } from '../tsa/timeStamper.js';
import type { Metrics } from './metrics.js';

/** The TSA's time-stamps for PDF signatures, counted by result (ok, error). */
export function countTimeStamps(supplier: TimeStampSupplier, metrics: Metrics): TimeStampSupplier {
  return async (digest) => {
    try {
      const token = await supplier(digest);
      metrics.timeStamps.inc({ result: 'ok' });
      return token;
    } catch (error) {
      metrics.timeStamps.inc({ result: 'error' });
      throw error;
    }
  };
}

/** The same for the signature time-stamps of CMS signatures (issue 20): each token of a batch counts. */
export function countStamps(timeStamper: TimeStamper, metrics: Metrics): TimeStamper {
  return {
    ...timeStamper,
    async stamp(digests) {
      try {
        const tokens = await timeStamper.stamp(digests);
        metrics.timeStamps.inc({ result: 'ok' }, tokens.length);
        return tokens;
      } catch (error) {
        metrics.timeStamps.inc({ result: 'error' });
        throw error;
      }
    },
  };
}
