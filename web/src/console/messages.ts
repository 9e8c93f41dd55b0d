/** Texts of the console app, the same keys in both languages. */
const zh = {
  title: '经办柜台',
};

const en: typeof zh = {
  title: 'Agency console',
};

export const consoleMessages = { 'zh-CN': zh, en };
