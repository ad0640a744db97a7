-- The request that started a job, so an interrupted or failed job can be run again with the same settings:
-- rerun_key names the lab's handler (e.g. 'data-pipeline'), request is its JSON.
alter table job add column rerun_key varchar(64);
alter table job add column request clob;
