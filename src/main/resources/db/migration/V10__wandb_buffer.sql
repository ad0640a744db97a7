-- Weights & Biases mirroring: each tracked run's lines wait here until W&B acknowledges them, so an outage, a 429 or
-- a restart loses nothing. acknowledged = history lines W&B has (the next file_stream offset).
create table wandb_run (
    run_id        varchar(36)   primary key,
    wandb_name    varchar(64)   not null,
    display_name  varchar(200)  not null,
    config        clob          not null,
    created       boolean       not null,
    acknowledged  int           not null,
    summary       clob,
    exit_code     int,
    completed     boolean       not null,
    state         varchar(16)   not null,
    message       varchar(2000),
    updated_at    timestamp with time zone not null
);
create table wandb_line (
    run_id  varchar(36) not null,
    seq     int         not null,
    line    clob        not null,
    primary key (run_id, seq)
);
