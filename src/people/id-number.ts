import { businessDate } from '../platform/business-date.ts';

/**
 * GB 11643-1999 citizen ID numbers, which are also social security numbers (Social Insurance Law art. 58).
 * 18 characters: 6-digit address code (GB/T 2260), 8-digit birth date YYYYMMDD, 3-digit sequence
 * (odd = male), and an ISO 7064 MOD 11-2 check character 0-9 or X.
 */

/** GB/T 2260 province-level codes: the first two digits of every address code. */
export const PROVINCE_CODES: Readonly<Record<string, string>> = {
  '11': 'Beijing',
  '12': 'Tianjin',
  '13': 'Hebei',
  '14': 'Shanxi',
  '15': 'Inner Mongolia',
  '21': 'Liaoning',
  '22': 'Jilin',
  '23': 'Heilongjiang',
  '31': 'Shanghai',
  '32': 'Jiangsu',
  '33': 'Zhejiang',
  '34': 'Anhui',
  '35': 'Fujian',
  '36': 'Jiangxi',
  '37': 'Shandong',
  '41': 'Henan',
  '42': 'Hubei',
  '43': 'Hunan',
  '44': 'Guangdong',
  '45': 'Guangxi',
  '46': 'Hainan',
  '50': 'Chongqing',
  '51': 'Sichuan',
  '52': 'Guizhou',
  '53': 'Yunnan',
  '54': 'Tibet',
  '61': 'Shaanxi',
  '62': 'Gansu',
  '63': 'Qinghai',
  '64': 'Ningxia',
  '65': 'Xinjiang',
  '71': 'Taiwan',
  '81': 'Hong Kong',
  '82': 'Macao',
};

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export interface IdNumberInfo {
  /** Normalised: upper-case X. */
  idNumber: string;
  birthDate: string;
  gender: 'male' | 'female';
  provinceCode: string;
}

type IdNumberProblem = 'format' | 'province' | 'birth_date' | 'birth_date_future' | 'check_character';

const PROBLEM_MESSAGES: Record<IdNumberProblem, string> = {
  format: 'an ID number is 17 digits followed by a digit or X',
  province: 'digits 1-2 are not a GB/T 2260 province code',
  birth_date: 'digits 7-14 are not a real birth date',
  birth_date_future: 'the birth date is in the future',
  check_character: 'the check character does not match (GB 11643)',
};

export type IdNumberCheck =
  { ok: true; info: IdNumberInfo } | { ok: false; problem: IdNumberProblem; message: string };

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  // eslint-disable-next-line no-restricted-syntax -- checks the birth date exists, not "today"
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Checks an ID number against GB 11643: format, province code, a real birth date from 1800 on and not
 * after `today`, and the check character. A lower-case x is accepted and normalised.
 */
export function checkIdNumber(raw: string, today: Date = new Date()): IdNumberCheck {
  const fail = (problem: IdNumberProblem): IdNumberCheck => ({
    ok: false,
    problem,
    message: PROBLEM_MESSAGES[problem],
  });
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return fail('format');
  const provinceCode = id.slice(0, 2);
  if (!(provinceCode in PROVINCE_CODES)) return fail('province');
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1800 || !isRealDate(y, m, d)) return fail('birth_date');
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (birthDate > businessDate(today)) return fail('birth_date_future');
  if (idCheckChar(id) !== id[17]) return fail('check_character');
  return {
    ok: true,
    info: { idNumber: id, birthDate, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female', provinceCode },
  };
}

/** Builds a valid ID number from its parts (demo data, tests). */
export function makeIdNumber(addressCode: string, birthDate: string, sequence: number): string {
  const first17 = addressCode + birthDate.replace(/-/g, '') + String(sequence).padStart(3, '0');
  return first17 + idCheckChar(first17);
}

/** Age in whole years on the Beijing date of `on`. */
export function ageOn(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = businessDate(on).split('-').map(Number) as [number, number, number];
  let age = ty - y;
  if (tm < m || (tm === m && td < d)) age--;
  return age;
}
