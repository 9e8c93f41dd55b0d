import { makeIdNumber } from '../people/id-number.ts';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬建国文辉力鹏宇浩然子涵欣怡梓轩';
const ADDRESS_CODES = [
  '440303',
  '440304',
  '440305',
  '440306',
  '110101',
  '110105',
  '310101',
  '310104',
  '510104',
  '330106',
];

/** A small deterministic PRNG (mulberry32) so demo data is the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Citizen {
  idNumber: string;
  name: string;
  birthDate: string;
}

/** The n-th synthetic citizen: a valid GB 11643 number and a plausible Chinese name, unique per n. */
export function syntheticCitizen(n: number, rnd: () => number = prng(n + 1)): Citizen {
  const pick = (s: string) => s[Math.floor(rnd() * s.length)]!;
  const year = 1940 + Math.floor(rnd() * 80);
  const month = 1 + Math.floor(rnd() * 12);
  const day = 1 + Math.floor(rnd() * 28);
  const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const address = ADDRESS_CODES[n % ADDRESS_CODES.length]!;
  // The sequence number carries n so that IDs never collide: n / 10 cycles through 0-999 per address code,
  // and the birth date varies with it.
  const sequence = Math.floor(n / ADDRESS_CODES.length) % 1000;
  const name = pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.6 ? pick(GIVEN) : '');
  return { idNumber: makeIdNumber(address, birthDate, sequence), name, birthDate };
}
