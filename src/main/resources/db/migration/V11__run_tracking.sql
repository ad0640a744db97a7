-- Experiment tracking: what every job of every lab ran on (code version, environment) and how the machine fared
-- while it ran (CPU, memory, progress every few seconds). Training runs keep their steps in training_metric.
create table run_meta (
    job_id        varchar(36)   primary key,
    code_version  varchar(120)  not null,
    environment   varchar(4000) not null,
    started_at    timestamp with time zone not null
);
create table run_system (
    job_id    varchar(36) not null,
    t_ms      bigint      not null,
    cpu       double      not null,
    heap_mb   double      not null,
    rss_mb    double      not null,
    progress  double      not null,
    primary key (job_id, t_ms)
);
-- Tags and notes a learner adds to a run (a training run's id or a job's id).
create table run_note (
    run_id  varchar(36)   primary key,
    tags    varchar(1000) not null,
    notes   varchar(4000) not null
);
