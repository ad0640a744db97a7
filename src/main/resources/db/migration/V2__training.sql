-- Training runs: everything needed to repeat one (resolved config, seed, data hash) and how far it got.
-- Checkpoints live in <workspace>/runs/<id>/checkpoints/; the job table holds each execution (start, resumes).
create table training_run (
    id            varchar(36)   primary key,
    name          varchar(200)  not null,
    job_id        varchar(36),
    config_yaml   varchar(20000) not null,
    seed          bigint        not null,
    corpus        varchar(80)   not null,
    tokenizer     varchar(80)   not null,
    data_hash     varchar(64),
    vocab_size    int,
    parameters    bigint,
    device        varchar(40)   not null,
    state         varchar(16)   not null,
    message       varchar(2000),
    step          int           not null,
    max_steps     int           not null,
    best_val_loss double,
    parent_run    varchar(36),
    parent_step   int,
    created_at    timestamp with time zone not null,
    started_at    timestamp with time zone,
    finished_at   timestamp with time zone
);
create index training_run_created on training_run(created_at);

-- One row per optimizer step.
create table training_metric (
    run_id            varchar(36) not null,
    step              int         not null,
    loss              double      not null,
    lr                double      not null,
    grad_norm         double      not null,
    tokens_per_second double      not null,
    step_ms           double      not null,
    heap_mb           double      not null,
    memory_mb         double      not null,
    primary key (run_id, step)
);

-- One row per evaluation (every eval_interval steps and at the end).
create table training_eval (
    run_id         varchar(36) not null,
    step           int         not null,
    train_loss     double      not null,
    val_loss       double      not null,
    val_perplexity double      not null,
    val_accuracy   double      not null,
    primary key (run_id, step)
);

-- Text sampled every sampling.interval steps.
create table training_sample (
    run_id varchar(36)    not null,
    step   int            not null,
    text   varchar(20000) not null,
    primary key (run_id, step)
);
