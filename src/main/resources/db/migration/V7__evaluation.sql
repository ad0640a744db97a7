-- Evaluation runs: what was evaluated (model and its weights' hash, tasks, few-shot, limit, code version) and how far.
create table evaluation_run (
    id           varchar(36)   primary key,
    job_id       varchar(36),
    model        varchar(200)  not null,
    weights_hash varchar(64),
    tasks        varchar(20000) not null,
    num_fewshot  int           not null,
    item_limit   int,
    code_version varchar(80)   not null,
    state        varchar(16)   not null,
    message      varchar(2000),
    created_at   timestamp with time zone not null,
    finished_at  timestamp with time zone
);

-- One row per scored item: the log-likelihood of each choice (JSON array), the model's decisions.
create table evaluation_item (
    run_id         varchar(36)   not null,
    task           varchar(120)  not null,
    doc_id         int           not null,
    target         int           not null,
    loglikelihoods varchar(20000) not null,
    acc            double        not null,
    acc_norm       double,
    mc2            double,
    truncated      boolean       not null,
    primary key (run_id, task, doc_id)
);
