-- API keys of the gateway, the only table it owns (the people tables are the matcher's, db/matcher). "if not exists":
-- a database migrated before the split already has this table from the shared history, and this history then starts
-- at baseline 0 and runs this script over it.
-- Only a SHA-256 of each key is kept: keys are 256-bit random secrets, so a
-- fast hash is enough to make a stolen table useless, and lookup stays one indexed read per request.
create table if not exists api_key (
    id         bigserial primary key,
    name       text        not null,
    key_hash   bytea       not null unique,
    -- the first characters of the key, so an operator can tell keys apart without seeing them
    key_prefix text        not null,
    scopes     text[]      not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
