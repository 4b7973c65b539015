/** "aminah@anm.gov.my" -> "a***@anm.gov.my": enough for the officer to recognise, little for anyone else. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/** "+60123456789" -> "+60******789". */
export function maskPhone(phone: string): string {
  if (phone.length <= 4) return '***';
  return phone.slice(0, 3) + '*'.repeat(Math.max(phone.length - 6, 3)) + phone.slice(-3);
}
