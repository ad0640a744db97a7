-- A finished run's headline scores, one row per task and metric, written when the run ends: the leaderboard reads
-- these (one query for every run) instead of re-scoring every item and re-drawing every bootstrap on each load.
create table evaluation_score (
    run_id  varchar(36)  not null,
    task    varchar(120) not null,
    metric  varchar(40)  not null,
    val     double       not null,
    stderr  double,
    ci_low  double,
    ci_high double,
    n       int          not null,
    primary key (run_id, task, metric)
);

-- A judgment an annotator replaced by judging the same pair again: kept, never lost.
create table preference_judgment_history (
    pair_id     varchar(36)   not null,
    annotator   varchar(80)   not null,
    verdict     varchar(12)   not null,
    shown_first varchar(1)    not null,
    note        varchar(2000),
    judged_at   timestamp with time zone not null,
    replaced_at timestamp with time zone not null
);
create index preference_judgment_history_pair on preference_judgment_history(pair_id);

-- A human evaluation task: its answers are preference pairs (prompt set 'human-<name>'), judged pairwise (the
-- Preferences lab's A/B verdicts) or rated 1–5 per criterion, each item by k annotators.
create table human_task (
    name        varchar(60)   primary key,
    kind        varchar(12)   not null,
    criteria    varchar(400)  not null,
    guidelines  varchar(8000) not null,
    k           int           not null,
    model_a     varchar(200)  not null,
    model_b     varchar(200)  not null,
    prompts     int           not null,
    job_id      varchar(36),
    created_at  timestamp with time zone not null
);

-- One rating of one answer (pair, side a or b) on one criterion; a later rating of the same answer and criterion by
-- the same annotator replaces it (replaced = true on the earlier row, which stays as history).
create table human_rating (
    seq        bigint        auto_increment primary key,
    task       varchar(60)   not null,
    pair_id    varchar(36)   not null,
    side       varchar(1)    not null,
    annotator  varchar(80)   not null,
    criterion  varchar(60)   not null,
    score      int           not null,
    note       varchar(2000),
    replaced   boolean       not null,
    judged_at  timestamp with time zone not null
);
create index human_rating_task on human_rating(task, replaced);

-- LLM-as-judge runs over a human task's answers: which judge (a local model or an endpoint's model; never a key),
-- the prompt template, and per item the judge's raw reply and what it parsed to (null: unparsed).
create table judge_run (
    id          varchar(36)   primary key,
    task        varchar(60)   not null,
    judge       varchar(300)  not null,
    template    varchar(8000) not null,
    criterion   varchar(60),
    state       varchar(16)   not null,
    message     varchar(2000),
    job_id      varchar(36),
    created_at  timestamp with time zone not null,
    finished_at timestamp with time zone
);
create table judge_verdict (
    run_id   varchar(36)   not null,
    pair_id  varchar(36)   not null,
    slot     varchar(2)    not null,
    reply    varchar(4000),
    parsed   varchar(12),
    error    varchar(1000),
    primary key (run_id, pair_id, slot)
);
