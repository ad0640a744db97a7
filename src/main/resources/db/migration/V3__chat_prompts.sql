-- Chat conversations. Messages form a tree (parent_id) so a regenerated reply is kept next to the old one;
-- active_leaf marks the branch shown, read from the leaf up to the root.
create table chat_conversation (
    id             varchar(36)   primary key,
    title          varchar(200)  not null,
    model          varchar(200)  not null,
    compare_model  varchar(200),
    template       varchar(20)   not null,
    system_prompt  varchar(8000) not null,
    settings_json  varchar(4000) not null,
    active_leaf    varchar(36),
    created_at     timestamp with time zone not null,
    updated_at     timestamp with time zone not null
);

create table chat_message (
    id              varchar(36)    primary key,
    conversation_id varchar(36)    not null,
    parent_id       varchar(36),
    position        int            not null,
    role            varchar(16)    not null,
    content         varchar(200000) not null,
    model           varchar(200),
    tokens          int,
    millis          double,
    dropped_turns   int,
    finish          varchar(16),
    created_at      timestamp with time zone not null
);
create index chat_message_conversation on chat_message(conversation_id, position);

-- The user's own prompt templates; saving again under the same name adds a version.
create table prompt_template (
    name        varchar(120)   not null,
    version     int            not null,
    description varchar(500)   not null,
    text        varchar(20000) not null,
    created_at  timestamp with time zone not null,
    primary key (name, version)
);
