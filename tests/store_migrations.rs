//! The SQLite and PostgreSQL migrations must describe the same tables and
//! columns: compared as text, against a live SQLite database, and against a
//! live PostgreSQL schema when `SYNTHWATCH_TEST_PG` is set.

use std::collections::BTreeMap;
use std::path::Path;

use sqlx::{Connection, PgConnection};
use synthwatch::store::Store;

type Tables = BTreeMap<String, Vec<String>>;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap()
}

/// Tables and their columns (in order) from `CREATE TABLE` statements.
fn parse_tables(sql: &str) -> Tables {
    let text: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut tables = Tables::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("CREATE TABLE") {
        let after = &rest[at + "CREATE TABLE".len()..];
        let open = after.find('(').unwrap();
        let name = after[..open].trim().to_owned();
        let (mut depth, mut start, mut parts) = (0, open + 1, Vec::new());
        let mut end = open;
        for (i, c) in after.char_indices().skip(open) {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        parts.push(&after[start..i]);
                        end = i;
                        break;
                    }
                }
                ',' if depth == 1 => {
                    parts.push(&after[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        let columns = parts
            .iter()
            .filter_map(|p| p.split_whitespace().next())
            .filter(|w| !["UNIQUE", "CHECK", "PRIMARY", "FOREIGN", "CONSTRAINT"].contains(w))
            .map(str::to_owned)
            .collect();
        tables.insert(name, columns);
        rest = &after[end..];
    }
    tables
}

fn migrations(dialect: &str) -> Tables {
    let dir = Path::new(ROOT).join("migrations").join(dialect);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no migrations in {}", dir.display());
    let mut all = Tables::new();
    for f in files {
        all.extend(parse_tables(&std::fs::read_to_string(f).unwrap()));
    }
    all
}

#[test]
fn migration_files_match_and_cover_the_spec() {
    let sqlite = migrations("sqlite");
    let postgres = migrations("postgres");
    assert_eq!(sqlite, postgres);
    let names: Vec<_> = sqlite.keys().map(String::as_str).collect();
    for table in [
        "sources",
        "raw_messages",
        "quarantine",
        "samples",
        "observations",
        "spectra",
        "findings",
        "results",
        "processing_queue",
    ] {
        assert!(names.contains(&table), "missing table {table}");
    }
    assert_eq!(
        read("migrations/sqlite/0001_init.sql")
            .matches("CREATE TABLE")
            .count(),
        9
    );
}

#[test]
fn no_direct_identifiers_in_partnership_tables() {
    for (table, columns) in migrations("sqlite") {
        for c in columns {
            for banned in [
                "nhs", "dob", "birth", "address", "postcode", "forename", "surname",
            ] {
                assert!(
                    !c.contains(banned),
                    "{table}.{c} looks like a personal identifier"
                );
            }
            // The only "name" columns name things, not people.
            let allowed = [
                "sources.name",
                "raw_messages.file_name",
                "observations.test_name",
            ];
            let qualified = format!("{table}.{c}");
            assert!(
                !c.contains("name") || allowed.contains(&qualified.as_str()),
                "{qualified}"
            );
        }
    }
}

#[tokio::test]
async fn live_sqlite_schema_matches_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(dir.path()).await.unwrap();
    let pool = store.sqlite_pool().unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut live = Tables::new();
    for t in tables {
        let cols: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                .bind(&t)
                .fetch_all(pool)
                .await
                .unwrap();
        live.insert(t, cols);
    }
    assert_eq!(live, migrations("sqlite"));
}

#[tokio::test]
async fn live_postgres_schema_matches_migrations() {
    let Ok(url) = std::env::var("SYNTHWATCH_TEST_PG") else {
        let required = std::env::var("CI").is_ok_and(|v| !v.is_empty())
            || std::env::var("SYNTHWATCH_REQUIRE_PG").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "CI/SYNTHWATCH_REQUIRE_PG set but SYNTHWATCH_TEST_PG is not"
        );
        eprintln!("skipping: SYNTHWATCH_TEST_PG is not set");
        return;
    };
    let schema = format!("sw_test_mig_{}", std::process::id());
    let mut admin = PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let store = Store::open_url(&format!("{url}{sep}options=-csearch_path%3D{schema}"))
        .await
        .unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = $1 AND table_name <> '_sqlx_migrations' \
         ORDER BY table_name, ordinal_position",
    )
    .bind(&schema)
    .fetch_all(store.pg_pool().unwrap())
    .await
    .unwrap();
    store.close().await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .unwrap();
    let mut live = Tables::new();
    for (t, c) in rows {
        live.entry(t).or_default().push(c);
    }
    assert_eq!(live, migrations("postgres"));
}
