-- Background jobs of every lab: what ran, how far it got, how it ended.
create table job (
    id          varchar(36)   primary key,
    kind        varchar(64)   not null,
    title       varchar(400)  not null,
    state       varchar(16)   not null,
    progress    double        not null,
    message     varchar(2000),
    result      varchar(2000),
    created_at  timestamp with time zone not null,
    started_at  timestamp with time zone,
    finished_at timestamp with time zone
);
create index job_created on job(created_at);

-- Tokenizers the user trained or imported; the files live in <workspace>/tokenizers/<id>/.
create table tokenizer (
    id          varchar(80)   primary key,
    name        varchar(200)  not null,
    kind        varchar(16)   not null,
    vocab_size  int           not null,
    description varchar(2000) not null,
    created_at  timestamp with time zone not null
);

-- Text corpora the user uploaded; the text lives in <workspace>/corpora/<id>.txt. Bundled corpora are not listed here.
create table corpus (
    id          varchar(80)   primary key,
    name        varchar(300)  not null,
    size_bytes  bigint        not null,
    created_at  timestamp with time zone not null
);
