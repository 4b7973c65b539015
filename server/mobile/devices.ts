import { formatMalaysiaTime } from '../../shared/time.js';
import crypto from 'node:crypto';
import { and, count, eq, gt } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Db, Tables } from '../db/database.js';
import type { Challenges } from '../enrolment/challenges.js';
import { maskEmail } from '../notify/mask.js';
import type { Notices } from '../notify/notices.js';
import { findOfficer } from '../registry/officers.js';

export type DeviceRow = Tables['devices']['$inferSelect'];
export type Platform = DeviceRow['platform'];

/** A registration code lives 10 minutes (long enough to switch to the mail app and back). */
export const REGISTRATION_TTL_MS = 10 * 60 * 1000;
/** Registration e-mails one officer may trigger per hour: anyone knowing nric + phone could otherwise flood the mailbox. */
export const REGISTRATIONS_PER_HOUR = 5;

const PLATFORM_NAMES: Record<Platform, string> = { android: 'Android', ios: 'iOS', web: 'Web' };

/**
 * Malaysian mobile numbers as digits in the national form: "+60 12-345 6701", "6012-3456701" and
 * "012 345 6701" all become "0123456701". Only what people actually type is forgiven.
 */
export function normalisePhone(phone: string): string {
  const digits = phone.replace(/[\s\-().]/g, '').replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return '';
  return digits.startsWith('60') ? `0${digits.slice(2)}` : digits;
}

/** The bearer secret is only ever stored as its SHA-256 (it has 256 bits of entropy: no slow hash needed). */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/**
 * "GPKI Mobile (Telefon pejabat, Android ••• 6701)": which phone gets the OTP, by the name the
 * officer gave it, without the whole number.
 */
export function deviceDestination(platform: Platform, phone: string | null, label = ''): string {
  const last = phone ? normalisePhone(phone).slice(-4) : '';
  const name = label.trim() ? `${label.trim()}, ` : '';
  return `GPKI Mobile (${name}${PLATFORM_NAMES[platform]}${last ? ` ••• ${last}` : ''})`;
}

/** The officer's one active device and its masked destination, or null: read for every OTP, never cached (a device registered or removed on another node counts at once). */
export async function activeDeviceOf(db: Db, nric: string): Promise<{ device: DeviceRow; destination: string } | null> {
  const { devices, officers } = db.t;
  const [row] = await db.orm
    .select({ device: devices, phone: officers.phone })
    .from(devices)
    .innerJoin(officers, eq(officers.nric, devices.nric))
    .where(and(eq(devices.nric, nric), eq(devices.status, 'active')))
    .limit(1);
  return row ? { device: row.device, destination: deviceDestination(row.device.platform, row.phone, row.device.label) } : null;
}

/** The active device a bearer secret belongs to, or null (unknown, removed or replaced). */
export async function deviceBySecret(db: Db, secret: string): Promise<DeviceRow | null> {
  const { devices } = db.t;
  const [row] = await db.orm
    .select()
    .from(devices)
    .where(and(eq(devices.secretHash, hashSecret(secret)), eq(devices.status, 'active')));
  return row ?? null;
}

/** What the registry tells the live channel: a device lost its activation (replaced or removed). */
export interface DeviceEvents {
  deactivated(deviceId: string, reason: 'replaced' | 'removed'): void;
}

/**
 * GPKI Mobile device registration (DESIGN.md "Rules the seeds state"): nric + the phone number on
 * the profile, confirmed by a code e-mailed to the officer; the newest device is the only active one.
 */
export function createDeviceRegistry(deps: { db: Db; challenges: Challenges; notices: Notices; audit: AuditLog; events: DeviceEvents; now: () => number }) {
  const { db, challenges, notices, audit, events, now } = deps;
  const { challenges: challengesTable, devices } = db.t;

  return {
    /** Checks nric + profile phone and e-mails a 6-digit code; nothing is stored when refused. */
    async startRegistration(input: { nric: string; phone: string; platform: Platform; label: string }): Promise<{ challengeId: string; destination: string; expiresAt: string }> {
      const officer = await findOfficer(db, input.nric);
      if (!officer) throw new RoamSignError('user_not_found');
      if (officer.status !== 'active') throw new RoamSignError('forbidden', { reason: `officer_${officer.status}` });
      const given = normalisePhone(input.phone);
      // Same answer for "no phone on the profile" and "another phone": the caller learns nothing more.
      if (!officer.phone || given === '' || given !== normalisePhone(officer.phone)) throw new RoamSignError('forbidden', { reason: 'phone_mismatch' });

      const [recent] = await db.orm
        .select({ n: count() })
        .from(challengesTable)
        .where(and(eq(challengesTable.purpose, 'device_registration'), eq(challengesTable.subjectId, officer.nric), gt(challengesTable.createdAt, now() - 60 * 60 * 1000)));
      if ((recent?.n ?? 0) >= REGISTRATIONS_PER_HOUR) throw new RoamSignError('rate_limited', { limit: REGISTRATIONS_PER_HOUR, window: 'hour' });

      const challenge = await challenges.create('device_registration', officer.nric, REGISTRATION_TTL_MS, { platform: input.platform, label: input.label });
      await audit.append({ actor: officer.nric, action: 'device.registration_started', subject: challenge.id, details: { platform: input.platform } });
      await notices.send({
        nric: officer.nric,
        to: officer.email,
        subject: 'Kod pendaftaran peranti GPKI Mobile',
        text: [
          `Salam ${officer.name},`,
          '',
          `Peranti "${input.label}" (${PLATFORM_NAMES[input.platform]}) sedang didaftarkan untuk GPKI Mobile bagi akaun anda.`,
          `Kod keselamatan: ${challenge.code}`,
          `Kod ini sah sehingga ${formatMalaysiaTime('ms', challenge.expiresAt, { zone: true })} (${REGISTRATION_TTL_MS / 60_000} minit) dan untuk sekali guna sahaja.`,
          '',
          'Setelah didaftarkan, peranti ini menjadi satu-satunya peranti aktif anda: peranti yang didaftarkan sebelum ini tidak lagi menerima OTP.',
          'Jika anda tidak mendaftarkan peranti, abaikan e-mel ini dan jangan kongsi kod ini dengan sesiapa.',
        ].join('\n'),
        code: challenge.code,
      });
      return { challengeId: challenge.id, destination: maskEmail(officer.email), expiresAt: new Date(challenge.expiresAt).toISOString() };
    },

    /** Consumes the e-mailed code; the new device replaces any active one (which is told so). */
    async confirmRegistration(challengeId: string, code: string): Promise<{ deviceId: string; secret: string }> {
      const { subjectId: nric, payload } = await challenges.consume(challengeId, 'device_registration', code);
      const officer = await findOfficer(db, nric);
      if (!officer) throw new RoamSignError('user_not_found');
      if (officer.status !== 'active') throw new RoamSignError('forbidden', { reason: `officer_${officer.status}` });
      const platform = payload['platform'] as Platform;
      const label = String(payload['label']);

      const deviceId = `dev_${crypto.randomBytes(12).toString('base64url')}`;
      const secret = `rsd_${crypto.randomBytes(32).toString('base64url')}`;
      const at = now();
      const replaced = await db.transaction(async () => {
        // One active device per officer, also when two registrations finish at once on two nodes.
        await db.lock(`officer-device:${nric}`);
        const old = await db.orm
          .update(devices)
          .set({ status: 'inactive', deactivatedAt: at })
          .where(and(eq(devices.nric, nric), eq(devices.status, 'active')))
          .returning({ id: devices.id });
        for (const o of old) await audit.append({ actor: nric, action: 'device.deactivated', subject: o.id, details: { reason: 'replaced', by: deviceId } });
        await db.orm.insert(devices).values({ id: deviceId, nric, platform, label, secretHash: hashSecret(secret), status: 'active', registeredAt: at });
        await audit.append({ actor: nric, action: 'device.registered', subject: deviceId, details: { platform } });
        return old;
      });
      // After the commit: a replaced device hears it only once the new one is really active.
      for (const o of replaced) events.deactivated(o.id, 'replaced');
      return { deviceId, secret };
    },

    /** "Buang akaun dari peranti ini": the device gives up its activation. */
    async removeDevice(secret: string): Promise<{ deviceId: string }> {
      const device = await deviceBySecret(db, secret);
      if (!device) throw new RoamSignError('unauthorized');
      await db.transaction(async () => {
        await db.orm.update(devices).set({ status: 'inactive', deactivatedAt: now() }).where(eq(devices.id, device.id));
        await audit.append({ actor: device.nric, action: 'device.removed', subject: device.id, details: {} });
      });
      events.deactivated(device.id, 'removed');
      return { deviceId: device.id };
    },
  };
}

export type DeviceRegistry = ReturnType<typeof createDeviceRegistry>;
