-- The course: which steps of which tutorial the learner has passed (the app verified the step's check), with the
-- answer they gave for answer checks, and their quiz answers.
create table tutorial_step (
    tutorial   varchar(40)  not null,
    step       int          not null,
    answer     varchar(400),
    message    varchar(1000) not null,
    passed_at  timestamp with time zone not null,
    primary key (tutorial, step)
);
create table tutorial_quiz (
    tutorial     varchar(40) not null,
    question     int         not null,
    choice       int         not null,
    correct      boolean     not null,
    answered_at  timestamp with time zone not null,
    primary key (tutorial, question)
);
