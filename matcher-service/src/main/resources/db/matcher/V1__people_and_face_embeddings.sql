-- People and the face embeddings that identify them. Embeddings are biometric data: they are
-- deleted with their person (cascade) and never leave the matcher except as similarities.
create table person (
    id         bigserial primary key,
    name       text        not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table face_embedding (
    id              bigserial primary key,
    person_id       bigint      not null references person (id) on delete cascade,
    -- Vectors of different recognizers are never compared: each model has its own gallery.
    model           text        not null,
    dimension       int         not null,
    -- float32, little-endian
    vector          bytea       not null,
    -- The frame that enrolled this face: a replayed registration frame finds it and enrols nobody twice.
    source_frame_id text        not null unique,
    created_at      timestamptz not null default now()
);

create index face_embedding_model on face_embedding (model, person_id);
