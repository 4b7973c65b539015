import type { TimeStampSupplier } from '../pdf/inputs.js';
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
