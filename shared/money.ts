/** An amount as the API takes it: "12,500.00" or "12500.00", at most two decimals. */
export const AMOUNT_PATTERN = /^-?\d{1,3}(,\d{3})*(\.\d{1,2})?$|^-?\d+(\.\d{1,2})?$/;

/** Amounts travel as display strings ("12,500.00"); sums are done in sen to avoid float error. */
export function amountToSen(amount: string): bigint | null {
  const match = /^(-?)([\d,]+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) return null;
  const whole = match[2]!.replace(/,/g, '');
  if (!/^\d+$/.test(whole)) return null;
  const sen = BigInt(whole) * 100n + BigInt((match[3] ?? '0').padEnd(2, '0'));
  return match[1] ? -sen : sen;
}

export function formatSen(sen: bigint): string {
  const negative = sen < 0n;
  const abs = negative ? -sen : sen;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${whole}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** An amount as people write it in Malaysia: "RM 12,500.00" (a foreign currency keeps its code). */
export function formatAmount(amount: string, currency?: string): string {
  return `${!currency || currency === 'MYR' ? 'RM' : currency} ${amount}`;
}

/** "RM 1,234.50" total of a batch, or null when amounts are missing or currencies differ. */
export function batchTotal(summaries: ({ amount?: string; currency?: string } | undefined)[]): string | null {
  let total = 0n;
  let currency: string | undefined;
  for (const summary of summaries) {
    if (!summary?.amount) return null;
    const sen = amountToSen(summary.amount);
    if (sen === null) return null;
    const c = summary.currency ?? 'MYR';
    if (currency && c !== currency) return null;
    currency = c;
    total += sen;
  }
  return formatAmount(formatSen(total), currency);
}
