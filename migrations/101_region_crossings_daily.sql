-- The treatment institution's daily work includes its cross-region settlements (issue 20, docs/REGIONS.md):
-- the till's bill (quantities and unit prices for the receipt), and each refund's institution and business
-- date so the day's reconciliation and payment can count it.
alter table region_crossings add column bill jsonb;
alter table region_crossing_refunds add column institution_id uuid references institutions (id);
alter table region_crossing_refunds add column business_date date;
update region_crossing_refunds r set institution_id = c.institution_id
  from region_crossings c where c.settlement_id = r.settlement_id;
update region_crossing_refunds
   set business_date = (((view->>'createdAt')::timestamptz at time zone 'UTC') + interval '8 hours')::date
 where view is not null;
create index region_crossings_institution_day_idx on region_crossings (institution_id, business_date)
  where settlement_id is not null;
create index region_crossing_refunds_institution_day_idx on region_crossing_refunds (institution_id, business_date)
  where status = 'refunded';
