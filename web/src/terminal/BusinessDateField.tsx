import { useTranslation } from 'react-i18next';
import { todayInBeijing } from '../shared/dates.ts';
import { Field } from '../shared/ui.tsx';

/** The business date a page lists: any day up to today in Beijing; clearing the field keeps the date shown. */
export function BusinessDateField({ value, onChange }: { value: string; onChange: (date: string) => void }) {
  const { t } = useTranslation('terminal');
  return (
    <div className="row">
      <Field
        label={t('recon.date')}
        type="date"
        value={value}
        max={todayInBeijing()}
        onChange={(e) => e.target.value && onChange(e.target.value)}
      />
    </div>
  );
}
