/**
 * The server's texts in Chinese (the default). Keys are codes: nested camelCase/snake_case like the web's
 * messages, `{{param}}` interpolation; money with `{{x, yuan}}` (fen → 1,234.56), ratios `{{x, percent}}`
 * (basis points → 90%), instants `{{x, datetime}}`, business dates `{{x, date}}` (both in Beijing time).
 * `en.ts` has the same keys (`typeof zh`) and the same parameters (src/i18n/catalogue.test.ts).
 */
import { zhErrors } from './errors.zh-CN.ts';
import { zhNational } from './national.zh-CN.ts';

export const zh = {
  notice: {
    identity_verified: { title: '身份已认证', body: '您现在可以申领医保电子凭证。' },
    identity_verified_by_staff: {
      title: '身份已认证',
      body: '经办人员已核实您的身份，您现在可以申领电子凭证。',
    },
    identity_rejected: { title: '身份认证未通过', body: '{{reason}}' },
    identity_rejected_by_staff: { title: '身份认证被驳回', body: '原因：{{reason}}' },
    card_issued: { title: '社保卡已发放', body: '您的社保卡已在柜台发放。' },
    card_ready: { title: '您的社保卡已制好', body: '请携带身份证原件到服务网点领取。' },
    card_with_employer: {
      title: '您的社保卡已发放至单位',
      body: '单位将转交给您；激活时请设置密码。',
    },
    card_pin_locked: { title: '社保卡支付已锁定', body: '密码连续输错 3 次。请到柜台由经办人员解锁。' },
    card_frozen: { title: '社保卡已冻结', body: '社保卡 {{card}} 已挂失并冻结。请到柜台办理补卡。' },
    card_replaced: { title: '补发社保卡', body: '您的新卡 {{newCard}} 已替换 {{oldCard}}，旧卡已停用。' },
    card_cancelled: { title: '社保卡已注销', body: '原因：{{reason}}' },
    ecard_suspended: { title: '电子凭证已暂停', body: '经办人员暂停了您的电子凭证，请到柜台咨询。' },
    ecard_resumed: { title: '电子凭证已恢复', body: '您的电子凭证已恢复使用。' },
    ecard_revoked: { title: '电子凭证已注销', body: '原因：{{reason}}' },
    family_bound: { title: '已被绑定为亲属', body: '{{name}} 已将您绑定为家庭成员（{{kinship}}）。' },
    family_display_request: {
      title: '亲属代展码请求',
      body: '{{name}} 请求为您代为出示电子凭证二维码。请在“家庭”中确认或拒绝。',
    },
    family_display_request_anonymous: {
      title: '亲属代展码请求',
      body: '一位亲属请求为您代为出示电子凭证二维码。请在“家庭”中确认或拒绝。',
    },
    binding_confirmed: { title: '亲属已同意代展码', body: '{{name}} 已同意您代为出示其电子凭证二维码。' },
    binding_declined: { title: '亲属已拒绝代展码', body: '{{name}} 拒绝了您代为出示其电子凭证二维码。' },
    settlement_refunded: {
      title: '退费',
      body: '已退费 {{total, yuan}} 元，其中 {{accountPaid, yuan}} 元退回您的个人账户。',
    },
    statement_ready: {
      title: '{{year}} 年个人权益记录',
      body: '您 {{year}} 年的缴费、账户收支和待遇记录已生成，可在“记录”中下载。',
    },
  },
  kinship: {
    spouse: '配偶',
    parent: '父母',
    child: '子女',
    grandparent: '祖父母/外祖父母',
    grandchild: '孙子女/外孙子女',
    sibling: '兄弟姐妹',
  },
  history: {
    wrong_pins: '密码错误 {{count}} 次',
    pin_new: '已设置新密码',
    pin_unlocked: '已解锁',
  },
  identity: {
    not_in_registry: '人口信息库中没有该身份证号码的记录，经办人员将审核您的照片',
    name_mismatch: '姓名与人口信息库不一致',
  },
  statementJob: {
    running: '已处理 {{processed}} / {{total}} 人',
    done: '已完成：共 {{total}} 人',
  },
  service: {
    inpatient: '住院',
    outpatient: '门诊',
    large_equipment: '大型设备检查',
    special_material: '特殊医用材料',
    special_outpatient: '门诊特殊病种治疗',
  },
  line: {
    inpatient_deductible: '住院起付线：{{amount, yuan}} 元由个人支付',
    inpatient_above:
      '住院起付线以上：统筹支付 {{ratioBp, percent}} = {{fund, yuan}} 元，个人 {{person, yuan}} 元',
    inpatient_above_retired:
      '住院起付线以上：统筹支付 {{ratioBp, percent}}（退休）= {{fund, yuan}} 元，个人 {{person, yuan}} 元',
    outpatient_threshold: '门诊年度起付标准 {{threshold, yuan}} 元以下：{{below, yuan}} 元由个人支付',
    outpatient_above:
      '门诊起付标准以上：统筹支付 {{ratioBp, percent}} = {{fund, yuan}} 元，个人 {{person, yuan}} 元',
    out_of_catalogue: '目录外：{{amount, yuan}} 元由个人支付',
    self_pay_first: '{{category}} 类先行自付 {{ratioBp, percent}}：{{amount, yuan}} 元由个人支付',
    without_approval: '{{service}}未经审批：{{amount, yuan}} 元由个人支付',
    approval_note: '（审批号 {{ref}}）',
    own_rule:
      '{{service}}{{approval}}：统筹支付 {{ratioBp, percent}} = {{fund, yuan}} 元，个人 {{person, yuan}} 元',
    origin_domestic: '国产',
    origin_imported: '进口',
    capped: '，以该项目可报销金额 {{eligible, yuan}} 元为限',
    special_material:
      '单价超过 {{limit, yuan}} 元的特殊医用材料{{approval}}：按{{origin}}同类价格 {{price, yuan}} 元 × {{quantity}} 的 ' +
      '{{ratioBp, percent}} 统筹支付 = {{byReference, yuan}} 元{{cap}}，个人 {{person, yuan}} 元',
    special_material_ordinary: '单价不超过 {{limit, yuan}} 元的特殊医用材料：按普通{{setting}}规则',
    ceiling:
      '达到统筹基金最高支付限额：{{overflow, yuan}} 元由个人支付（统筹基金每年最多支付 {{ceiling, yuan}} 元）',
  },
  bill: {
    item: '[{{index}}] {{item}}：{{text}}',
    account: '个人账户支付 {{amount, yuan}} 元（余额 {{before, yuan}} → {{after, yuan}}）',
    relative: '亲属账户（家庭共济）支付 {{amount, yuan}} 元（余额 {{before, yuan}} → {{after, yuan}}）',
    cash: '现金：{{amount, yuan}} 元',
    fund_left: '本年度统筹基金剩余可支付：{{amount, yuan}} 元',
  },
  unit: {
    bp: '基点',
    fen: '分',
    bp_of_wage: '社平工资的基点数',
    bp_of_monthly_wage: '月社平工资的基点数',
  },
  noun: {
    policy_field: '政策字段',
    premium_field: '缴费规则字段',
  },
  value: {
    array: '数组',
    object: '对象',
    undefined: '空',
  },
  problem: {
    missing: '缺少 {{path}}',
    not_object: '{{path}} 应为对象，实际为 {{value}}',
    unknown_key: '{{path}} 不是已知的{{noun}}',
    not_integer: '{{path}} 应为整数（{{unit}}），实际为 {{value}}',
    out_of_range: '{{path}} 应在 {{min}} 到 {{max}} {{unit}}之间，实际为 {{value}}',
    not_string: '{{path}} 应为非空字符串，实际为 {{value}}',
    policy_not_object: '政策应为对象，实际为 {{value}}',
    rules_not_object: '缴费规则应为对象，实际为 {{value}}',
    approval_not_array: 'approvalRequired 应为数组，实际为 {{value}}',
    approval_unknown: 'approvalRequired 只能列出 {{allowed}}；实际为 {{value}}',
    approval_twice: 'approvalRequired 重复列出 {{value}}',
    beyond_safe: '{{path}} × averageWageFen 超出分的安全整数范围',
    beyond_safe_monthly: '{{path}} × averageWageFen / 12 超出分的安全整数范围',
    deductible_above_ceiling: '住院起付线（{{deductible}} 分）高于统筹基金最高支付限额（{{ceiling}} 分）',
    floor_above_cap: 'base.floorBpOfMonthlyWage（{{floor}}）不得高于 base.capBpOfMonthlyWage（{{cap}}）',
    employee_credit_above_rate:
      'employee.creditedBpOfBase（{{credited}}）不得超过 employee.employeeRateBp（{{own}}）：只有职工个人缴费可划入个人账户',
    flexible_credit_above_rate:
      'flexible.creditedBpOfBase（{{credited}}）不得超过 flexible.rateBp（{{rate}}）：划入金额不能多于个人所缴',
    region_mismatch: '规则中的 region 与 regionCode 不符',
  },
  national: zhNational,
  errors: zhErrors,
};
