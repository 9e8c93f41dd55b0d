/** Masking of sensitive personal data for readers who have no need for it in clear (and for logs). */

/** `440301199001011234` → `4403**********1234`. */
export function maskIdNumber(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

/** `张三` → `张*`, `欧阳娜娜` → `欧***`, `Li Lei` → `L*****`. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** `13800138000` → `138****8000`. */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

const ID_LIKE = /\b(\d{6})(\d{8})(\d{3}[\dXx])\b/g;

/** Masks every 18-character ID number found in free text (log lines, error messages). */
export function maskIdNumbersIn(text: string): string {
  return text.replace(ID_LIKE, (m) => maskIdNumber(m));
}

/** `6222021234567890123` → `6222 **** 0123`: the bank and the last four digits, as banks print them. */
export function maskBankAccount(account: string): string {
  if (account.length <= 8) return '*'.repeat(account.length);
  return `${account.slice(0, 4)} **** ${account.slice(-4)}`;
}
