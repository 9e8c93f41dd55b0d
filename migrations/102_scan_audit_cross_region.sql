-- A scan at this region's till of a code of another region's person (issue 20, docs/REGIONS.md): the person
-- has no row here, so no person id; the insured region, and the masked identity its answer gave (never the
-- ID number or the name in clear).
alter table scan_audit add column insured_region text;
alter table scan_audit add column masked_name text;
alter table scan_audit add column masked_id_number text;
