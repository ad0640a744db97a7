-- How many items a job has done of how many (documents, steps, bytes, merges); 0 of 0 when it does not count items.
alter table job add column items_done bigint default 0 not null;
alter table job add column items_total bigint default 0 not null;
