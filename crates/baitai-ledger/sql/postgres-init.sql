-- The baitai ledger on a PostgreSQL server (issue 16): the same tables as the SQLite ledger's
-- first migration (docs/ledger.md §1), in schema `baitai`, with append-only enforced by the
-- server rather than by the client.
--
-- Run once per ledger database, as a superuser (or a role with CREATEROLE that may create
-- schemas), e.g.  psql "postgres://admin@host/ledger" -v ON_ERROR_STOP=1 -f postgres-init.sql
-- It makes three roles (cluster-wide, made only if missing; none can log in):
--   baitai_owner    owns the schema, tables, function and triggers. Only it (and superusers)
--                   can alter or drop them: keep its use to migrations, not to daily work.
--   baitai_writer   what the people who record use: SELECT and INSERT on the chain, and the
--                   sealed keys, which a key change replaces (they are not part of the chain,
--                   and each is checked against the public key the chain records).
--   baitai_auditor  SELECT only.
-- Grant them to login roles:  CREATE ROLE alice LOGIN PASSWORD '…' IN ROLE baitai_writer;
-- A writer can neither UPDATE, DELETE nor TRUNCATE the chain (no privilege, and triggers
-- refuse it for anyone short of the owner dropping them), nor DROP TRIGGER or ALTER TABLE
-- (those need ownership). tests/postgres.rs tries each as a writer.

DO $$
BEGIN
    CREATE ROLE baitai_owner NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- made already (or just now, by another session)
END $$;
DO $$
BEGIN
    CREATE ROLE baitai_writer NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- made already (or just now, by another session)
END $$;
DO $$
BEGIN
    CREATE ROLE baitai_auditor NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- made already (or just now, by another session)
END $$;

-- Whoever runs this must be able to make objects that baitai_owner owns.
GRANT baitai_owner TO CURRENT_USER;

CREATE SCHEMA baitai AUTHORIZATION baitai_owner;
SET ROLE baitai_owner;

-- Columns as in SQLite: times are fixed-width UTC text (docs/ledger.md §2.1), hashes 32 bytes.
CREATE TABLE baitai.entries (
    seq       bigint PRIMARY KEY CHECK (seq > 0),
    time      text   NOT NULL,
    kind      text   NOT NULL,
    medium    text,
    actor     text,
    payload   text   NOT NULL,
    prev_hash bytea  NOT NULL CHECK (length(prev_hash) = 32),
    hash      bytea  NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX entries_medium ON baitai.entries(medium, seq);
CREATE INDEX entries_kind ON baitai.entries(kind, seq);
CREATE TABLE baitai.signatures (
    seq       bigint NOT NULL REFERENCES baitai.entries(seq),
    role      text   NOT NULL,
    person    text   NOT NULL,
    signature bytea  NOT NULL,
    PRIMARY KEY (seq, role)
);
CREATE INDEX signatures_person ON baitai.signatures(person, seq);
CREATE TABLE baitai.person_keys (
    person text PRIMARY KEY,
    sealed text NOT NULL
);
-- The schema version, as SQLite's PRAGMA user_version (docs/ledger.md §1): one row.
CREATE TABLE baitai.meta (
    one            boolean PRIMARY KEY DEFAULT true CHECK (one),
    schema_version integer NOT NULL
);
INSERT INTO baitai.meta(schema_version) VALUES (4);

CREATE FUNCTION baitai.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the baitai ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- The chain grows only at its end: entry n+1 links to entry n (the first to 32 zero bytes), so
-- even a writer's credentials cannot leave a gap or start a second chain. The hash itself and
-- the signatures are the client's to check (`ledger verify`), since the server holds no keys.
CREATE FUNCTION baitai.check_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq  bigint;
    last_hash bytea;
BEGIN
    SELECT seq, hash INTO last_seq, last_hash FROM baitai.entries ORDER BY seq DESC LIMIT 1;
    IF NEW.seq <> COALESCE(last_seq, 0) + 1
       OR NEW.prev_hash <> COALESCE(last_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea) THEN
        RAISE EXCEPTION 'entry % does not continue the chain at entry %', NEW.seq, COALESCE(last_seq, 0)
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER entries_link BEFORE INSERT ON baitai.entries
    FOR EACH ROW EXECUTE FUNCTION baitai.check_link();
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON baitai.entries
    FOR EACH ROW EXECUTE FUNCTION baitai.refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON baitai.entries
    FOR EACH STATEMENT EXECUTE FUNCTION baitai.refuse_change();
CREATE TRIGGER signatures_append_only BEFORE UPDATE OR DELETE ON baitai.signatures
    FOR EACH ROW EXECUTE FUNCTION baitai.refuse_change();
CREATE TRIGGER signatures_no_truncate BEFORE TRUNCATE ON baitai.signatures
    FOR EACH STATEMENT EXECUTE FUNCTION baitai.refuse_change();
CREATE TRIGGER meta_append_only BEFORE UPDATE OR DELETE ON baitai.meta
    FOR EACH ROW EXECUTE FUNCTION baitai.refuse_change();

REVOKE ALL ON SCHEMA baitai FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA baitai FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA baitai FROM PUBLIC;
GRANT USAGE ON SCHEMA baitai TO baitai_writer, baitai_auditor;
GRANT SELECT, INSERT ON baitai.entries, baitai.signatures TO baitai_writer;
GRANT SELECT, INSERT, UPDATE ON baitai.person_keys TO baitai_writer;
GRANT SELECT ON baitai.meta TO baitai_writer;
GRANT EXECUTE ON FUNCTION baitai.check_link(), baitai.refuse_change() TO baitai_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA baitai TO baitai_auditor;

RESET ROLE;
