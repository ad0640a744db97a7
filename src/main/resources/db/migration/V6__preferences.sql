-- What a training objective measured at a step besides the loss (DPO's rewards/chosen, a reward model's accuracy…),
-- one row per name: the Preferences lab's charts read them back.
create table training_measure (
    run_id varchar(36) not null,
    step   int         not null,
    name   varchar(60) not null,
    val    double      not null,
    primary key (run_id, step, name)
);

-- Pairs shown in the A/B interface: one prompt, two answers (which model, seed and temperature made each), shown to
-- annotators in a shuffled order; several annotators may judge the same pair.
create table preference_pair (
    id          varchar(36)    primary key,
    prompt_set  varchar(80)    not null,
    prompt      varchar(8000)  not null,
    answer_a    varchar(8000)  not null,
    answer_b    varchar(8000)  not null,
    source_a    varchar(400)   not null,
    source_b    varchar(400)   not null,
    reward_a    double,
    reward_b    double,
    created_at  timestamp with time zone not null
);
create index preference_pair_set on preference_pair(prompt_set, created_at);

-- One judgment of one annotator on one pair: a (A better), b (B better), tie or both_bad; shown_first says which
-- answer the annotator saw on the left (the order is shuffled per annotator).
create table preference_judgment (
    pair_id     varchar(36)   not null,
    annotator   varchar(80)   not null,
    verdict     varchar(12)   not null,
    shown_first varchar(1)    not null,
    note        varchar(2000),
    judged_at   timestamp with time zone not null,
    seq         bigint        auto_increment,
    primary key (pair_id, annotator)
);
create index preference_judgment_annotator on preference_judgment(annotator, seq);
