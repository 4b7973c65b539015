import type { Outbox, PushChannel } from '../notify/outbox.js';
import type { Metrics } from './metrics.js';

/**
 * GPKI Mobile pushes of signing OTPs, counted: a push the phone did not take is failed, and the
 * outbox then e-mails the OTP (a fallback).
 */
export function observePush(push: PushChannel, metrics: Metrics): PushChannel {
  return {
    activeDevice: (nric) => push.activeDevice(nric),
    async deliver(nric, message) {
      const delivered = await push.deliver(nric, message).catch((error: unknown) => {
        metrics.otpDeliveries.inc({ channel: 'push', result: 'failed' });
        metrics.pushFallbacks.inc();
        throw error;
      });
      metrics.otpDeliveries.inc({ channel: 'push', result: delivered ? 'delivered' : 'failed' });
      if (!delivered) metrics.pushFallbacks.inc();
      return delivered;
    },
  };
}

/** Signing OTPs by e-mail, counted (a push is counted by observePush): delivered, or failed when the send throws. */
export function observeOutbox(outbox: Outbox, metrics: Metrics): Outbox {
  return {
    ...outbox,
    async deliverOtp(delivery) {
      try {
        const sent = await outbox.deliverOtp(delivery);
        if (sent.channel === 'email') metrics.otpDeliveries.inc({ channel: 'email', result: 'delivered' });
        return sent;
      } catch (error) {
        metrics.otpDeliveries.inc({ channel: 'email', result: 'failed' });
        throw error;
      }
    },
  };
}
