-- Reproducibility of a run (task versions, prompt templates, few-shot seed, decoding settings, the model's source) as
-- JSON; per item what a generation task produced (completions, test results, speed) or a text's token count.
alter table evaluation_run add column details clob;
alter table evaluation_item add column detail clob;

-- Custom benchmarks: every upload of a name is a new version; a run records the version it ran.
create table evaluation_benchmark (
    name        varchar(60)   not null,
    version     int           not null,
    kind        varchar(20)   not null,
    metric      varchar(20),
    description varchar(500),
    items       clob          not null,
    item_count  int           not null,
    created_at  timestamp with time zone not null,
    primary key (name, version)
);
