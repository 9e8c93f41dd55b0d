-- The yearly personal rights record (Social Insurance Law art. 74). A batch job computes each person's
-- figures for a year and delivers them to their inbox; the PDF is rendered from the stored figures when the
-- person downloads it (rendering is deterministic, so it is the same document every time).
create table statement_jobs (
  id uuid primary key,
  region_code text not null references regions (code),
  year integer not null,
  status text not null check (status in ('running', 'done')),
  total integer not null,
  processed integer not null default 0,
  -- The last person id done: a restarted job continues after it.
  cursor uuid,
  started_at timestamptz not null,
  updated_at timestamptz not null,
  finished_at timestamptz,
  unique (region_code, year)
);

create table statements (
  person_id uuid not null references persons (id),
  year integer not null,
  region_code text not null references regions (code),
  figures jsonb not null,
  created_at timestamptz not null,
  primary key (person_id, year)
);
