import { z } from 'zod';
import { nricSchema, textSchema } from './common.js';

// GPKI Mobile (/api/v1/mobile/...): registering the one active device and its live channel.

export const PLATFORMS = ['android', 'ios', 'web'] as const;

export const mobileRegistrationSchema = z
  .strictObject({
    nric: nricSchema,
    phone: z.string().trim().min(7).max(20).regex(/^\+?[\d\s\-().]+$/, 'expected a phone number').meta({ description: 'the mobile number on the officer\'s profile' }),
    platform: z.enum(PLATFORMS),
    label: textSchema(1, 60),
  })
  .meta({ id: 'MobileRegistration' });

export const challengeIdSchema = z.string().regex(/^ch_[A-Za-z0-9_-]{10,40}$/, 'expected a challenge id');
export const mobileConfirmSchema = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'expected 6 digits') }).meta({ id: 'MobileConfirm' });
export const pushAckSchema = z.strictObject({ pushId: z.string().regex(/^push_[A-Za-z0-9_-]{10,40}$/) }).meta({ id: 'PushAck' });
export const eventsQuerySchema = z.strictObject({ token: z.string().min(10).max(200).optional().meta({ description: 'the device secret, where EventSource cannot set headers' }) });

export const registrationStartedSchema = z
  .object({ challengeId: z.string(), destination: z.string().meta({ description: 'masked e-mail the code went to' }), expiresAt: z.iso.datetime() })
  .meta({ id: 'MobileRegistrationStarted' });
export const deviceConfirmedSchema = z
  .object({ deviceId: z.string(), secret: z.string().meta({ description: 'the device\'s bearer token; shown once' }) })
  .meta({ id: 'MobileDeviceConfirmed' });
export const deviceViewSchema = z
  .object({
    deviceId: z.string(),
    platform: z.enum(PLATFORMS),
    label: z.string(),
    status: z.enum(['active', 'inactive']),
    destination: z.string(),
    officer: z.object({ nric: z.string(), name: z.string().nullable() }),
    registeredAt: z.iso.datetime(),
  })
  .meta({ id: 'MobileDevice' });
export const deviceRemovedSchema = z.object({ deviceId: z.string() }).meta({ id: 'MobileDeviceRemoved' });
export const pushAckedSchema = z.object({ acknowledged: z.literal(true) }).meta({ id: 'PushAcknowledged' });

// Issue 11: the phone's platform passkey, registered from the GPKI Mobile page (PIN first).
export const mobilePasskeyOptionsSchema = z.strictObject({ pin: z.string().regex(/^\d{6,12}$/, 'expected a PIN of 6 to 12 digits') }).meta({ id: 'MobilePasskeyStart' });
export const mobilePasskeyStartedSchema = z
  .object({ challengeId: z.string(), options: z.record(z.string(), z.unknown()).meta({ description: 'PublicKeyCredentialCreationOptionsJSON (platform authenticator)' }) })
  .meta({ id: 'MobilePasskeyStarted' });
export const mobilePasskeyFinishSchema = z
  .strictObject({ challengeId: z.string().max(80), name: z.string().max(60).default(''), credential: z.unknown() })
  .meta({ id: 'MobilePasskeyFinish' });
export const mobilePasskeyAddedSchema = z.object({ credentialId: z.string(), name: z.string() }).meta({ id: 'MobilePasskeyAdded' });
