-- V3, not V2: databases migrated before the gateway got its own history hold a V2 (api_key) in this history, which
-- Flyway would take for this one and never run it (MigrationsTest).
-- Faces kept as "this is not person X" (POST /api/people/{id}/negatives): a later face at least as similar to one of
-- them as the pair threshold is never named X. Biometric data like face_embedding: deleted with their person (cascade).
create table negative_example (
    id              bigserial primary key,
    person_id       bigint      not null references person (id) on delete cascade,
    model           text        not null,
    dimension       int         not null,
    -- float32, little-endian
    vector          bytea       not null,
    -- The frame that stored it: a replayed frame stores nothing twice.
    source_frame_id text        not null unique,
    created_at      timestamptz not null default now()
);

create index negative_example_model on negative_example (model, person_id);
