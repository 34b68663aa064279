//! `concerto backup` and `concerto restore`. Everything Concerto keeps is in its
//! database, uploads included (signed pacts, minutes' attachments, archives are
//! rows), so one file holds a whole copy: on SQLite a database file written by
//! `VACUUM INTO` while the server runs, on PostgreSQL a `pg_dump` custom-format
//! archive. A restore refuses to replace a database that is not empty unless forced.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use concerto_store::{Store, sqlite_file};

use crate::redact;

#[derive(clap::Args)]
pub struct BackupArgs {
    #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
    database_url: String,
    /// The file to write; it must not exist yet.
    #[arg(long)]
    to: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
    database_url: String,
    /// A file written by `concerto backup`.
    #[arg(long)]
    from: PathBuf,
    /// Replace a database that is not empty.
    #[arg(long)]
    force: bool,
}

/// The first bytes of each kind of copy.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    anyhow::ensure!(!args.to.exists(), "{} exists already: choose a new file", args.to.display());
    if let Some(file) = sqlite_file(&args.database_url) {
        anyhow::ensure!(file.exists(), "no database at {}", file.display());
        let store = Store::connect(&args.database_url).await.with_context(|| format!("opening {}", file.display()))?;
        let copied = store.sqlite_copy_into(&args.to).await;
        store.close().await;
        copied.with_context(|| format!("copying the database into {}", args.to.display()))?;
    } else {
        let options = ["--format=custom", "--no-owner", "--file"].map(OsStr::new);
        run_pg(
            "pg_dump",
            &[&options[..], &[args.to.as_os_str(), OsStr::new("--dbname"), OsStr::new(&args.database_url)]].concat(),
        )?;
    }
    let size = std::fs::metadata(&args.to).map(|m| m.len()).unwrap_or(0);
    println!("backup: {} written ({size} bytes) from {}", args.to.display(), redact(&args.database_url));
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let mut magic = [0u8; 16];
    let read = std::io::Read::read(
        &mut std::fs::File::open(&args.from).with_context(|| format!("opening {}", args.from.display()))?,
        &mut magic,
    )?;
    let magic = &magic[..read];
    let is_sqlite = magic.starts_with(SQLITE_MAGIC);
    anyhow::ensure!(
        is_sqlite || magic.starts_with(PG_DUMP_MAGIC),
        "{} is not a copy written by `concerto backup`",
        args.from.display()
    );
    match sqlite_file(&args.database_url) {
        Some(target) => {
            anyhow::ensure!(
                is_sqlite,
                "{} is a PostgreSQL copy: restore it into a postgres:// database",
                args.from.display()
            );
            restore_sqlite(&args, &target).await?;
        }
        None => {
            anyhow::ensure!(
                !is_sqlite,
                "{} is an SQLite copy: restore it into a sqlite:// database",
                args.from.display()
            );
            refuse_unless_empty(&args).await?;
            let mut options: Vec<&OsStr> =
                ["--no-owner", "--exit-on-error", "--single-transaction"].map(OsStr::new).to_vec();
            if args.force {
                options.extend(["--clean", "--if-exists"].map(OsStr::new));
            }
            options.extend([OsStr::new("--dbname"), OsStr::new(&args.database_url), args.from.as_os_str()]);
            run_pg("pg_restore", &options)?;
        }
    }
    println!("restore: {} restored into {}", args.from.display(), redact(&args.database_url));
    Ok(())
}

/// The target is refused when it holds any table, unless `--force`.
async fn refuse_unless_empty(args: &RestoreArgs) -> anyhow::Result<()> {
    if args.force {
        return Ok(());
    }
    let store = Store::connect(&args.database_url)
        .await
        .with_context(|| format!("opening the database {}", redact(&args.database_url)))?;
    let tables = store.table_count().await;
    store.close().await;
    let tables = tables?;
    anyhow::ensure!(
        tables == 0,
        "the database {} is not empty ({tables} tables): stop the server, then restore with --force to replace it",
        redact(&args.database_url)
    );
    Ok(())
}

/// Checks the copy where it lands (a file beside the target), then puts it in the
/// target's place in one rename. The server must be stopped.
async fn restore_sqlite(args: &RestoreArgs, target: &Path) -> anyhow::Result<()> {
    if target.exists() {
        refuse_unless_empty(args).await?;
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let staged = with_suffix(target, ".restoring");
    remove_database_files(&staged)?;
    std::fs::copy(&args.from, &staged)
        .with_context(|| format!("copying {} beside the database", args.from.display()))?;
    let check = async {
        let store = Store::connect(&format!("sqlite://{}", staged.display())).await?;
        let verdict = store.sqlite_integrity().await;
        let tables = store.table_count().await;
        store.close().await;
        anyhow::Ok((verdict?, tables?))
    };
    match check.await {
        Ok((verdict, tables)) if verdict == "ok" && tables > 0 => {}
        Ok((verdict, _)) => {
            remove_database_files(&staged)?;
            anyhow::bail!("{} is damaged or empty: {verdict}", args.from.display());
        }
        Err(error) => {
            remove_database_files(&staged)?;
            return Err(error.context(format!("reading {}", args.from.display())));
        }
    }
    // A write-ahead log left beside the old file would be replayed into the new one.
    remove_database_files(target)?;
    std::fs::rename(&staged, target).with_context(|| format!("moving the copy to {}", target.display()))?;
    Ok(())
}

/// Removes an SQLite database with its `-wal` and `-shm` files, where they exist.
fn remove_database_files(path: &Path) -> anyhow::Result<()> {
    for file in [path.to_path_buf(), with_suffix(path, "-wal"), with_suffix(path, "-shm")] {
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", file.display()));
            }
            _ => {}
        }
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Runs a PostgreSQL client tool, telling how to get it when it is missing.
fn run_pg(tool: &str, args: &[&OsStr]) -> anyhow::Result<()> {
    let status = match Command::new(tool).args(args).status() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "{tool} is not installed: on PostgreSQL Concerto copies with pg_dump and restores with pg_restore \
             (Debian: apt install postgresql-client, of the server's major version or newer); \
             by hand: `pg_dump --format=custom --file=concerto.dump DATABASE_URL`"
        ),
        other => other.with_context(|| format!("running {tool}"))?,
    };
    anyhow::ensure!(status.success(), "{tool} failed ({status})");
    Ok(())
}
