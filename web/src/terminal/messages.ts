/** Texts of the terminal app, the same keys in both languages. */
const zh = {
  title: '收银终端',
};

const en: typeof zh = {
  title: 'Institution terminal',
};

export const terminal = { 'zh-CN': zh, en };
