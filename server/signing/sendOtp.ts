import { RoamSignError } from '../../shared/errors.js';
import type { Lang } from '../../shared/i18n/index.js';
import type { SystemId } from '../../shared/systems.js';
import { composeOtpMessage } from '../notify/otpMessage.js';
import type { Officer } from '../registry/officers.js';
import type { SigningDeps } from './deps.js';
import { markFailed, type RequestRow } from './requestStore.js';

/**
 * Sends the OTP of request `row` to the officer (GPKI Mobile push or e-mail, `preferred` first).
 * A delivery that fails fails the request and forgets its OTP. Returns where the OTP went.
 */
export async function sendOtp(
  deps: Pick<SigningDeps, 'db' | 'audit' | 'outbox' | 'policy' | 'now' | 'onRequestEnded'>,
  row: RequestRow,
  officer: Officer,
  otp: string,
  lang: Lang,
  preferred: 'push' | 'email' | undefined,
) {
  const message = composeOtpMessage({
    lang,
    system: row.system as SystemId,
    documents: row.documents,
    otp,
    verificationCode: row.verificationCode,
    expiresAt: new Date(row.otpExpiresAt),
    ttlSeconds: deps.policy.otpTtlSeconds,
  });
  try {
    return await deps.outbox.deliverOtp({
      recipient: { nric: officer.nric, email: officer.email },
      preferred,
      subject: message.subject,
      text: message.text,
      otp,
      requestId: row.id,
    });
  } catch (error) {
    await markFailed(deps, row, 'pending', 'delivery_failed', 'otp.delivery_failed', { otpHash: null });
    throw new RoamSignError('internal', { reason: 'otp_delivery_failed' }, { cause: error });
  }
}
