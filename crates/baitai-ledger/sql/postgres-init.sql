-- The baitai ledger on a PostgreSQL server (issue 16): the same tables as the SQLite ledger's
-- first migration (docs/ledger.md §1), in schema `baitai`, with append-only enforced by the
-- server rather than by the client.
--
-- Run once per ledger database, as a superuser (or a role with CREATEROLE that may create
-- schemas), e.g.  psql "postgres://admin@host/ledger" -v ON_ERROR_STOP=1 -f postgres-init.sql
-- It makes three roles (made only if missing; none can log in):
--   baitai_owner    owns the schema, tables, functions and triggers. Only it (and superusers)
--                   can alter or drop them: keep its use to migrations, not to daily work.
--   baitai_writer   what the people who record use: SELECT and INSERT on the chain, and on
--                   the sealed keys UPDATE too, since a key change replaces one (they are not
--                   part of the chain; each is checked against the public key the chain
--                   records, and changes only with the entry that adds the person or changes
--                   their key).
--   baitai_auditor  SELECT only.
-- Grant them to login roles:  CREATE ROLE alice LOGIN PASSWORD '…' IN ROLE baitai_writer;
-- A writer can neither UPDATE, DELETE nor TRUNCATE the chain (no privilege, and triggers
-- refuse it for anyone short of the owner dropping them), nor DROP TRIGGER or ALTER TABLE
-- (those need ownership). tests/postgres.rs tries each as a writer. What a writer's login can
-- still do (deny service, not forge) is in docs/security.md §9.
--
-- Roles are the cluster's, not the database's: every ledger database on one cluster made with
-- the same names shares them, and a writer of one is a writer of all. For a second ledger on
-- the same cluster, name its roles with the settings below (the defaults are the names above),
-- set for the session that runs this file, e.g.
--   PGOPTIONS='-c baitai.owner_role=ledger_b_owner -c baitai.writer_role=ledger_b_writer
--              -c baitai.auditor_role=ledger_b_auditor' psql … -f postgres-init.sql
-- or with SET baitai.writer_role = '…'; (and the others) before it in the same session. They
-- are settings rather than psql variables so that the file runs unchanged through psql and
-- through a client library (the tests run it with the `postgres` crate, which has no \if or
-- :'var'). The client never needs the names: what a login may do is the server's to say.

-- The role names, from the settings or the defaults, kept in the settings for the statements
-- below (each builds its statement with format(), since a role name cannot be a parameter).
DO $$
DECLARE
    kind text;
    names text[] := '{}';
BEGIN
    FOREACH kind IN ARRAY ARRAY['owner', 'writer', 'auditor'] LOOP
        names := names || COALESCE(NULLIF(current_setting('baitai.' || kind || '_role', true), ''),
                                   'baitai_' || kind);
        PERFORM set_config('baitai.' || kind || '_role', names[array_length(names, 1)], false);
    END LOOP;
    IF names[1] = names[2] OR names[1] = names[3] OR names[2] = names[3] THEN
        RAISE EXCEPTION 'the owner, writer and auditor roles must differ: %', names;
    END IF;
END $$;

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY[current_setting('baitai.owner_role'),
                             current_setting('baitai.writer_role'),
                             current_setting('baitai.auditor_role')] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- made already (or just now, by another session)
        END;
    END LOOP;
END $$;

-- Whoever runs this must be able to make objects that the owner role owns.
DO $$
BEGIN
    EXECUTE format('GRANT %I TO CURRENT_USER', current_setting('baitai.owner_role'));
    EXECUTE format('CREATE SCHEMA baitai AUTHORIZATION %I', current_setting('baitai.owner_role'));
    EXECUTE format('SET ROLE %I', current_setting('baitai.owner_role'));
END $$;

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
INSERT INTO baitai.meta(schema_version) VALUES (6);

-- Both functions run with a fixed search_path: a trigger runs in the session of whoever
-- writes, who could otherwise put an operator or function of their own (`=` on bytea, say)
-- ahead of the built-in one where the check looks it up.
CREATE FUNCTION baitai.refuse_change() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'the baitai ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- The chain grows only at its end: entry n+1 links to entry n (the first to 32 zero bytes), so
-- even a writer's credentials cannot leave a gap or start a second chain. The hash itself and
-- the signatures are the client's to check (`ledger verify`), since the server holds no keys.
CREATE FUNCTION baitai.check_link() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
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

-- A sealed key is stored only by the append that records it: the ledger.init (the first
-- admin), person.add or person.passwd entry of that person, inserted in the same transaction (the client stores keys after its
-- entries, and `ledger copy` copies them after every entry). Without this a writer's login
-- could swap a person's sealed key quietly, locking them out with what looks like a wrong
-- passphrase; now it must append an entry for it too, which does not verify without that
-- person's key, so every command stops at it and names it.
CREATE FUNCTION baitai.check_sealed_key() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    body text;
BEGIN
    FOR body IN SELECT payload FROM baitai.entries
                 WHERE kind IN ('ledger.init', 'person.add', 'person.passwd')
                   AND xmin = pg_current_xact_id()::xid LOOP
        BEGIN
            IF NEW.person IN (body::jsonb ->> 'id', body::jsonb -> 'admin' ->> 'id') THEN
                RETURN NEW;
            END IF;
        EXCEPTION WHEN invalid_text_representation THEN NULL;  -- not JSON, so not theirs
        END;
    END LOOP;
    RAISE EXCEPTION 'the sealed key of % changes only with an entry that adds them or changes their key, in the same transaction', NEW.person
        USING ERRCODE = 'insufficient_privilege';
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
CREATE TRIGGER person_keys_with_their_entry BEFORE INSERT OR UPDATE ON baitai.person_keys
    FOR EACH ROW EXECUTE FUNCTION baitai.check_sealed_key();
CREATE TRIGGER person_keys_no_delete BEFORE DELETE ON baitai.person_keys
    FOR EACH ROW EXECUTE FUNCTION baitai.refuse_change();
CREATE TRIGGER meta_append_only BEFORE UPDATE OR DELETE ON baitai.meta
    FOR EACH ROW EXECUTE FUNCTION baitai.refuse_change();
CREATE TRIGGER meta_no_truncate BEFORE TRUNCATE ON baitai.meta
    FOR EACH STATEMENT EXECUTE FUNCTION baitai.refuse_change();

REVOKE ALL ON SCHEMA baitai FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA baitai FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA baitai FROM PUBLIC;
DO $$
DECLARE
    w text := quote_ident(current_setting('baitai.writer_role'));
    a text := quote_ident(current_setting('baitai.auditor_role'));
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA baitai TO %s, %s', w, a);
    EXECUTE format('GRANT SELECT, INSERT ON baitai.entries, baitai.signatures TO %s', w);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON baitai.person_keys TO %s', w);
    EXECUTE format('GRANT SELECT ON baitai.meta TO %s', w);
    EXECUTE format('GRANT EXECUTE ON FUNCTION baitai.check_link(), baitai.refuse_change(), '
                   'baitai.check_sealed_key() TO %s', w);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA baitai TO %s', a);
END $$;

RESET ROLE;

-- Only the ledger's roles may connect to its database (a new database lets every role of the
-- cluster connect and make temporary tables). Left as it was, with a notice, when whoever
-- runs this may not change the database's privileges (a CREATEROLE role that does not own it).
DO $$
BEGIN
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I, %I, %I', current_database(),
                   current_setting('baitai.owner_role'), current_setting('baitai.writer_role'),
                   current_setting('baitai.auditor_role'));
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not limit who connects to database %: grant and revoke CONNECT on it as its owner', current_database();
END $$;
