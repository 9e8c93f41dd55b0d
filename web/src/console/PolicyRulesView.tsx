import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Money } from '../shared/ui.tsx';
import { fenOfWage, formatBp } from './format.ts';
import type { PolicyRules } from './types.ts';

/** A version's rules as people read them: ratios in %, amounts in yuan (with the wage-relative ones worked out). */
export function PolicyRulesView({ rules }: { rules: PolicyRules }) {
  const { t } = useTranslation('console');
  const wage = rules.averageWageFen;
  const ofWage = (bp: number) => (
    <>
      {t('policy.ofWage', { pct: formatBp(bp) })} = <Money fen={fenOfWage(wage, bp)} />
    </>
  );
  const rows: Array<[string, ReactNode]> = [
    [t('policy.f.averageWageFen'), <Money key="w" fen={wage} />],
    [t('policy.f.inpatient_deductibleBpOfWage'), ofWage(rules.inpatient.deductibleBpOfWage)],
    [t('policy.f.fundCeilingBpOfWage'), ofWage(rules.fundCeilingBpOfWage)],
    [t('policy.f.inpatient_fundRatioBp_notRetired'), formatBp(rules.inpatient.fundRatioBp.notRetired)],
    [t('policy.f.inpatient_fundRatioBp_retired'), formatBp(rules.inpatient.fundRatioBp.retired)],
    [t('policy.f.outpatient_thresholdBpOfWage'), ofWage(rules.outpatient.thresholdBpOfWage)],
    [t('policy.f.outpatient_fundRatioBp'), formatBp(rules.outpatient.fundRatioBp)],
    [t('policy.f.largeEquipment_fundRatioBp'), formatBp(rules.largeEquipment.fundRatioBp)],
    [
      t('policy.f.specialMaterial_unitPriceLimitFen'),
      <Money key="m" fen={rules.specialMaterial.unitPriceLimitFen} />,
    ],
    [t('policy.f.specialMaterial_domesticFundRatioBp'), formatBp(rules.specialMaterial.domesticFundRatioBp)],
    [t('policy.f.specialMaterial_importedFundRatioBp'), formatBp(rules.specialMaterial.importedFundRatioBp)],
    [t('policy.f.specialOutpatient_fundRatioBp'), formatBp(rules.specialOutpatient.fundRatioBp)],
    [t('policy.f.catalogue_A_selfPayFirstBp'), formatBp(rules.catalogue.A.selfPayFirstBp)],
    [t('policy.f.catalogue_B_selfPayFirstBp'), formatBp(rules.catalogue.B.selfPayFirstBp)],
    [
      t('policy.approvalRequired'),
      rules.approvalRequired.length
        ? rules.approvalRequired.map((s) => t(`policy.services.${s}`)).join('、')
        : t('common.none'),
    ],
  ];
  return (
    <dl className="facts rules">
      {rows.map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
