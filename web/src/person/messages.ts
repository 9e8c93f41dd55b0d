/** Texts of the person app, the same keys in both languages. */
const zh = {
  title: '我的医保',
};

const en: typeof zh = {
  title: 'My medical insurance',
};

export const person = { 'zh-CN': zh, en };
