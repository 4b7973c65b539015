import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The backup file (issue 24): a passphrase-encrypted bundle of files.
 *
 *   "ROAMSIGN-BACKUP\n" | u32 header length | header JSON (scrypt parameters, salt, IV) |
 *   AES-256-GCM ciphertext of ( u32 manifest length | manifest JSON | each file's bytes in manifest order ) |
 *   16-byte GCM tag
 *
 * The key is scrypt(passphrase, salt); the magic and the header are the GCM's associated data, so
 * nothing in the file can change without the restore refusing it. Files stream through in chunks:
 * a database of any size never sits whole in memory.
 */
const MAGIC = Buffer.from('ROAMSIGN-BACKUP\n');
const TAG_BYTES = 16;
const CHUNK = 1024 * 1024;
/** The largest manifest a restore reads: anything larger is a wrong passphrase or a damaged file. */
const MAX_MANIFEST = 1024 * 1024;
/** scrypt N = 2^17, r = 8, p = 1 (OWASP's minimum for scrypt): about 128 MiB and a fraction of a second. */
const KDF = { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 } as const;
export const MIN_PASSPHRASE = 12;

export interface BackupEntry {
  /** Its name in the bundle (a relative path with forward slashes). */
  name: string;
  /** Where its bytes are read from when writing. */
  source: string;
}

export interface StoredFile {
  name: string;
  size: number;
  sha256: string;
}

/** What the bundle says about itself; the caller's fields, plus the files. */
export interface Manifest {
  files: StoredFile[];
  [field: string]: unknown;
}

interface Header {
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  iv: string;
}

/** A bad passphrase, a damaged or foreign file: one message, the operator's to fix. */
export class BackupUnreadable extends Error {}

function deriveKey(passphrase: string, kdf: Header['kdf']): Buffer {
  return crypto.scryptSync(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * 1024 * 1024 });
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

function sha256File(file: string): { size: number; sha256: string } {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(CHUNK);
  let size = 0;
  try {
    for (let n; (n = fs.readSync(fd, buffer, 0, CHUNK, null)) > 0; size += n) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return { size, sha256: hash.digest('hex') };
}

/** Writes the bundle to `file` (0600, created new: an existing file is never overwritten). */
export function writeBackup(file: string, options: { passphrase: string; entries: BackupEntry[]; manifest: Record<string, unknown> }): Manifest {
  const files = options.entries.map((entry) => ({ name: entry.name, ...sha256File(entry.source) }));
  const manifest: Manifest = { ...options.manifest, files };
  const header: Header = {
    version: 1,
    kdf: { ...KDF, salt: crypto.randomBytes(16).toString('base64') },
    cipher: 'aes-256-gcm',
    iv: crypto.randomBytes(12).toString('base64'),
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.concat([MAGIC, u32(headerBytes.length), headerBytes]);
  const cipher = crypto.createCipheriv('aes-256-gcm', deriveKey(options.passphrase, header.kdf), Buffer.from(header.iv, 'base64'));
  cipher.setAAD(prefix);
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, prefix);
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    fs.writeSync(fd, cipher.update(Buffer.concat([u32(manifestBytes.length), manifestBytes])));
    const buffer = Buffer.alloc(CHUNK);
    for (const entry of options.entries) {
      const source = fs.openSync(entry.source, 'r');
      try {
        for (let n; (n = fs.readSync(source, buffer, 0, CHUNK, null)) > 0; ) fs.writeSync(fd, cipher.update(buffer.subarray(0, n)));
      } finally {
        fs.closeSync(source);
      }
    }
    fs.writeSync(fd, cipher.final());
    fs.writeSync(fd, cipher.getAuthTag());
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  return manifest;
}

/** A safe relative name: no absolute path, no `..`, nothing but plain path segments. */
function safeName(name: unknown): string {
  if (typeof name !== 'string' || !/^[\w.-]+(\/[\w.-]+)*$/.test(name) || name.split('/').some((part) => part === '..' || part === '.')) {
    throw new BackupUnreadable('the backup names a file outside its folder');
  }
  return name;
}

/**
 * Decrypts the bundle into `dir` (which must exist and be empty) and returns its manifest. Throws
 * BackupUnreadable, after removing what it wrote, on a wrong passphrase or any change to the file.
 */
export function readBackup(file: string, options: { passphrase: string; dir: string }): Manifest {
  const fd = fs.openSync(file, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const head = Buffer.alloc(MAGIC.length + 4);
    if (fs.readSync(fd, head, 0, head.length, 0) !== head.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupUnreadable('not a RoamSign backup file');
    const headerLength = head.readUInt32BE(MAGIC.length);
    if (headerLength > 4096 || head.length + headerLength + TAG_BYTES > total) throw new BackupUnreadable('the backup file is damaged (header)');
    const headerBytes = Buffer.alloc(headerLength);
    fs.readSync(fd, headerBytes, 0, headerLength, head.length);
    let header: Header;
    try {
      header = JSON.parse(headerBytes.toString('utf8')) as Header;
    } catch {
      throw new BackupUnreadable('the backup file is damaged (header)');
    }
    if (header.version !== 1 || header.cipher !== 'aes-256-gcm' || header.kdf?.name !== 'scrypt') throw new BackupUnreadable('a backup format this version does not read');
    const decipher = crypto.createDecipheriv('aes-256-gcm', deriveKey(options.passphrase, header.kdf), Buffer.from(header.iv, 'base64'));
    decipher.setAAD(Buffer.concat([head, headerBytes]));
    const tag = Buffer.alloc(TAG_BYTES);
    fs.readSync(fd, tag, 0, TAG_BYTES, total - TAG_BYTES);
    decipher.setAuthTag(tag);

    const written: string[] = [];
    let pending = Buffer.alloc(0);
    let manifest: Manifest | undefined;
    let index = 0;
    let out: { fd: number; left: number; hash: crypto.Hash; file: StoredFile } | undefined;
    const openNext = () => {
      while (manifest && !out && index < manifest.files.length) {
        const stored = manifest.files[index++]!;
        const target = path.join(options.dir, safeName(stored.name));
        fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
        written.push(target);
        out = { fd: fs.openSync(target, 'wx', 0o600), left: stored.size, hash: crypto.createHash('sha256'), file: stored };
        if (stored.size === 0) closeOut();
      }
    };
    const closeOut = () => {
      if (!out) return;
      fs.closeSync(out.fd);
      if (out.hash.digest('hex') !== out.file.sha256) throw new BackupUnreadable(`the backup file is damaged (${out.file.name})`);
      out = undefined;
    };
    const take = (plain: Buffer) => {
      let data = plain;
      if (!manifest) {
        pending = Buffer.concat([pending, data]);
        if (pending.length < 4) return;
        const length = pending.readUInt32BE(0);
        if (length > MAX_MANIFEST) throw new BackupUnreadable('wrong passphrase, or the backup file is damaged');
        if (pending.length < 4 + length) return;
        try {
          manifest = JSON.parse(pending.subarray(4, 4 + length).toString('utf8')) as Manifest;
        } catch {
          throw new BackupUnreadable('wrong passphrase, or the backup file is damaged');
        }
        if (!Array.isArray(manifest.files)) throw new BackupUnreadable('the backup file is damaged (manifest)');
        data = pending.subarray(4 + length);
        openNext();
      }
      while (data.length > 0) {
        if (!out) throw new BackupUnreadable('the backup file is damaged (trailing bytes)');
        const part = data.subarray(0, out.left);
        fs.writeSync(out.fd, part);
        out.hash.update(part);
        out.left -= part.length;
        data = data.subarray(part.length);
        if (out.left === 0) {
          closeOut();
          openNext();
        }
      }
    };

    try {
      const buffer = Buffer.alloc(CHUNK);
      const end = total - TAG_BYTES;
      for (let position = head.length + headerLength; position < end; ) {
        const n = fs.readSync(fd, buffer, 0, Math.min(CHUNK, end - position), position);
        position += n;
        take(decipher.update(buffer.subarray(0, n)));
      }
      try {
        take(decipher.final());
      } catch (error) {
        if (error instanceof BackupUnreadable) throw error;
        throw new BackupUnreadable('wrong passphrase, or the backup file is damaged');
      }
      if (!manifest || out || index < manifest.files.length) throw new BackupUnreadable('the backup file is damaged (truncated)');
      return manifest;
    } catch (error) {
      if (out) fs.closeSync(out.fd);
      for (const target of written) fs.rmSync(target, { force: true });
      throw error;
    }
  } finally {
    fs.closeSync(fd);
  }
}
