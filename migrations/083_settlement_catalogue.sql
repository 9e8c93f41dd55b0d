-- Settlement resolves each bill line against the agency's catalogue (src/catalogue/resolve.ts): the version of
-- the treatment region's catalogue in force on the settlement's date is recorded with it (0: none was in force;
-- null: settled before catalogues decided coverage).
alter table settlements add column catalogue_version integer check (catalogue_version >= 0);

-- A price-list item no longer says what the fund covers: its code's approved mapping to the catalogue does.
alter table price_list_items drop column catalogue;
alter table price_list_items drop column category;
alter table price_list_items drop column service_type;

-- Nor does a national fee line: settlement resolves it through the same mapping.
alter table national_fee_details drop column catalogue;
alter table national_fee_details drop column category;
alter table national_fee_details drop column service_type;
