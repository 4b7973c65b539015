import type { RevocationReason } from '../../ca/certificateAuthority.js';
import { latestCertificate } from '../../registry/officers.js';
import { defineCommand, oneOf } from '../command.js';
import { withServices } from '../withServices.js';

const REASONS: RevocationReason[] = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'];

export const revoke = defineCommand({
  name: 'revoke',
  args: ['<serial|nric>', '[reason]'],
  options: {},
  description: `revoke a certificate (reason: ${REASONS.join(', ')}; default unspecified); reissues the CRL`,
  parse: ([target, reason = 'unspecified']) => ({ target: target!, reason: oneOf(reason, REASONS, 'reason') }),
  run: ({ target, reason }) =>
    withServices(async (services) => {
      // A MyKad number names the officer's latest certificate.
      const serial = /^\d{12}$/.test(target) ? (await latestCertificate(services.db, target))?.serial : target;
      if (!serial) {
        console.error(`no certificate for ${target}`);
        return 1;
      }
      const result = await services.ca.revoke(serial, reason, 'cli');
      console.log(`${serial}: ${result}`);
      return result === 'not_found' ? 1 : 0;
    }),
});
