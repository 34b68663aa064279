//! `concerto`: the one binary. Configuration comes from flags, which fall back to
//! `CONCERTO_*` environment variables.

mod ambiti;
mod backup;
mod bench_seed;
mod demo;
mod generate;
mod logging;
mod shutdown;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use concerto_domain::Role;
use concerto_mail::{MailConfig, Mailer, OutboxWaker, run_outbox_worker};
use concerto_store::{NewAccount, Store};
use concerto_web::limits::{Limiter, RateLimits};
use concerto_web::{AppState, Clock, WebConfig};

#[derive(Parser)]
#[command(name = "concerto", version, about = "Programmazione partecipata dei Piani Sociali di Zona")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    log: logging::LogArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (migrates the database and loads the demo if empty).
    Serve(ServeArgs),
    /// Read a notice (text or PDF; `-` for standard input) and print a draft process as JSON.
    ImportNotice {
        /// The notice file, or `-` to read standard input.
        file: PathBuf,
    },
    /// Accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Ambiti.
    #[command(subcommand)]
    Ambiti(AmbitiCommand),
    /// Write a consistent copy of the database, uploads included, while the server runs.
    Backup(backup::BackupArgs),
    /// Put a copy written by `backup` in place of the database (stop the server first).
    Restore(backup::RestoreArgs),
    /// Check an Ambito's protocol register: one line per year with the count, the
    /// last number, gaps and duplicates. Exits non-zero when the register is unsound.
    Register {
        #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
        database_url: String,
        /// The Ambito's slug, e.g. `casarano`.
        #[arg(long)]
        ambito: String,
    },
    /// Anonymise the personal data of closed processes whose Ambito's retention
    /// period has run out (the server does it hourly); with `--dry-run`, only list
    /// the rows that would be anonymised, one a line.
    Retention {
        #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
        database_url: String,
        /// List what would be anonymised and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check the audit log's hash chain; exits non-zero naming the first entry altered.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Add generated records to the observatory, for its benchmark (bench/observatory.sh).
    #[command(hide = true)]
    ObservatoryGenerate {
        #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
        database_url: String,
        #[arg(long, default_value_t = 10_000)]
        count: usize,
    },
    /// Add a process with 20 areas and many expressions and pacts, for the office's
    /// benchmark (bench/office.sh).
    #[command(hide = true)]
    BenchSeed {
        #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
        database_url: String,
        #[arg(long, default_value_t = 5_000)]
        count: usize,
    },
}

#[derive(Subcommand)]
enum AmbitiCommand {
    /// Load a regional list of Ambiti from CSV (docs/data/ambiti-puglia.csv); rows
    /// whose slug exists already are kept as they are.
    Import {
        #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
        database_url: String,
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; its password is read from standard input (one line).
    Add {
        #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
        database_url: String,
        #[arg(long)]
        email: String,
        /// platform-admin, ambito-admin, ambito-editor, representative or citizen.
        #[arg(long)]
        role: String,
        /// The Ambito's slug, required for ambito-admin and ambito-editor.
        #[arg(long)]
        ambito: Option<String>,
        /// The name shown in the workspace (defaults to the e-mail).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Database URL: `sqlite://path` (default `sqlite://data/concerto.db`) or `postgres://…`.
    #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
    database_url: String,
    /// Address to listen on.
    #[arg(long, env = "CONCERTO_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The address the public reaches this server at, used in links of feeds and e-mails.
    #[arg(long, env = "CONCERTO_PUBLIC_URL")]
    public_url: Option<String>,
    /// Do not load the demo processes into an empty database.
    #[arg(long, env = "CONCERTO_NO_DEMO")]
    no_demo: bool,
    /// SMTP server for outgoing mail (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://…`). Without one, messages are written as .eml files to --outbox-dir.
    #[arg(long, env = "CONCERTO_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of outgoing mail.
    #[arg(long, env = "CONCERTO_MAIL_FROM", default_value = "Concerto <noreply@concerto.invalid>")]
    mail_from: String,
    /// Where messages go as .eml files when no SMTP server is configured.
    #[arg(long, env = "CONCERTO_OUTBOX_DIR", default_value = "data/outbox")]
    outbox_dir: PathBuf,
    /// SPID/CIE login: the OpenID Connect provider's issuer URL (discovery is read
    /// from `<issuer>/.well-known/openid-configuration`). Without it, no SPID/CIE login.
    #[arg(long, env = "CONCERTO_OIDC_ISSUER", requires = "oidc_client_id")]
    oidc_issuer: Option<String>,
    /// This server's client id at the OpenID Connect provider.
    #[arg(long, env = "CONCERTO_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// This server's client secret at the provider (omit it for a public client with PKCE only).
    #[arg(long, env = "CONCERTO_OIDC_CLIENT_SECRET", hide_env_values = true, requires = "oidc_issuer")]
    oidc_client_secret: Option<String>,
    /// Reverse proxies (addresses or CIDR networks, comma-separated) whose
    /// `X-Forwarded-For` names the client; from any other peer the header is ignored.
    #[arg(long, env = "CONCERTO_TRUSTED_PROXIES", default_value = "")]
    trusted_proxies: String,
    /// Lets `/metrics` be read from other machines with `Authorization: Bearer TOKEN`
    /// (without it, only from this machine, not through a proxy).
    #[arg(long, env = "CONCERTO_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Days before a session's own on which its check-in already opens (0: only that day).
    #[arg(long, env = "CONCERTO_CHECKIN_DAYS_BEFORE", default_value_t = 0)]
    checkin_days_before: u32,
    /// Days after a session's own on which its check-in stays open (0: only that day).
    #[arg(long, env = "CONCERTO_CHECKIN_DAYS_AFTER", default_value_t = 0)]
    checkin_days_after: u32,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Requests per hour admitted from one client address at each public door that
/// writes; 0 turns a limit off.
#[derive(clap::Args)]
struct LimitArgs {
    /// Expressions of interest (form and API) and their amendments.
    #[arg(long, env = "CONCERTO_LIMIT_EXPRESSIONS", default_value_t = RateLimits::default().expressions)]
    limit_expressions: u32,
    /// Requests to send a management link again.
    #[arg(long, env = "CONCERTO_LIMIT_LINK_RESENDS", default_value_t = RateLimits::default().link_resends)]
    limit_link_resends: u32,
    /// Additions and corrections to the observatory.
    #[arg(long, env = "CONCERTO_LIMIT_CORRECTIONS", default_value_t = RateLimits::default().corrections)]
    limit_corrections: u32,
    /// Password reset requests.
    #[arg(long, env = "CONCERTO_LIMIT_PASSWORD_RESETS", default_value_t = RateLimits::default().password_resets)]
    limit_password_resets: u32,
    /// Sign-in attempts.
    #[arg(long, env = "CONCERTO_LIMIT_SIGN_INS", default_value_t = RateLimits::default().sign_ins)]
    limit_sign_ins: u32,
}

impl LimitArgs {
    fn limits(&self) -> RateLimits {
        RateLimits {
            expressions: self.limit_expressions,
            link_resends: self.limit_link_resends,
            corrections: self.limit_corrections,
            password_resets: self.limit_password_resets,
            sign_ins: self.limit_sign_ins,
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    logging::init(&cli.log);
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::ImportNotice { file } => import_notice(&file),
        Command::Register { database_url, ambito } => check_register(&database_url, &ambito).await,
        Command::Retention { database_url, dry_run } => retention(&database_url, dry_run).await,
        Command::Audit(AuditCommand::Verify { database_url, from }) => {
            verify_audit(&database_url, from.as_deref()).await
        }
        Command::Audit(AuditCommand::Head { database_url }) => print_audit_head(&database_url).await,
        Command::ObservatoryGenerate { database_url, count } => generate::generate(&database_url, count).await,
        Command::BenchSeed { database_url, count } => bench_seed::seed(&database_url, count).await,
        Command::Ambiti(AmbitiCommand::Import { database_url, file }) => {
            ensure_sqlite_dir(&database_url)?;
            let store = open_store(&database_url).await?;
            let outcome = ambiti::import(&store, &file).await;
            store.close().await;
            outcome
        }
        Command::User(UserCommand::Add { database_url, email, role, ambito, name }) => {
            add_user(&database_url, &email, &role, ambito.as_deref(), name).await
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    ensure_sqlite_dir(&args.database_url)?;
    let store = Store::open(&args.database_url)
        .await
        .with_context(|| format!("opening the database {}", redact(&args.database_url)))?;
    if !args.no_demo {
        demo::load_if_empty(&store).await.context("loading the demo processes")?;
    }
    let public_url = args.public_url.unwrap_or_else(|| format!("http://{}", args.listen));
    let mailer =
        Mailer::from_config(&MailConfig { smtp_url: args.smtp_url, from: args.mail_from, outbox_dir: args.outbox_dir })
            .context("configuring outgoing mail")?;
    let oidc = match (&args.oidc_issuer, &args.oidc_client_id) {
        (Some(issuer), Some(client_id)) => Some(
            concerto_web::auth::OidcConfig::new(issuer, client_id, args.oidc_client_secret.as_deref())
                .context("configuring the SPID/CIE login")?,
        ),
        _ => None,
    };
    let trusted_proxies = concerto_web::client::parse_trusted_proxies(&args.trusted_proxies)
        .map_err(anyhow::Error::msg)
        .context("--trusted-proxies")?;
    let outbox = OutboxWaker::new();
    let (stop_worker, worker_stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(run_outbox_worker(store.clone(), mailer, outbox.clone(), async {
        let _ = worker_stopped.await;
    }));
    let state = AppState {
        sessions: store.session_store().await.context("preparing the session store")?,
        store: store.clone(),
        clock: Clock::system(),
        config: WebConfig {
            oidc,
            trusted_proxies,
            metrics_token: args.metrics_token,
            checkin_window: concerto_domain::tables::CheckinWindow {
                days_before: args.checkin_days_before,
                days_after: args.checkin_days_after,
            },
            ..WebConfig::new(public_url)
        },
        outbox,
        limiter: Limiter::new(args.limits.limits()),
    };
    let (stop_archives, archives_stopped) = tokio::sync::oneshot::channel::<()>();
    let archives = tokio::spawn(concerto_web::run_archive_worker(state.clone(), async {
        let _ = archives_stopped.await;
    }));
    let (stop_meetings, meetings_stopped) = tokio::sync::oneshot::channel::<()>();
    let meetings = tokio::spawn(concerto_web::run_meetings_worker(state.clone(), async {
        let _ = meetings_stopped.await;
    }));
    let (stop_retention, retention_stopped) = tokio::sync::oneshot::channel::<()>();
    let retention = tokio::spawn(concerto_web::run_retention_worker(state.clone(), async {
        let _ = retention_stopped.await;
    }));
    let listener =
        tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("listening on {}", args.listen))?;
    tracing::info!("Concerto listening on http://{}", args.listen);
    // The one secret the log ever carries, on purpose: the operator's first step
    // (issue 16). It opens once, for 24 hours, and only while no account exists.
    if let Some(link) = concerto_web::first_run_link(&store, &state.config.public_url, chrono::Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("preparing the first-run address")?
    {
        tracing::warn!(
            "no account yet; create the platform administrator at the setup address (24 h, single use) setup: {link}"
        );
    }
    shutdown::serve_until_stopped(listener, state).await?;
    let _ = stop_worker.send(());
    let _ = stop_archives.send(());
    let _ = stop_meetings.send(());
    let _ = worker.await;
    let _ = archives.await;
    let _ = meetings.await;
    let _ = stop_retention.send(());
    let _ = retention.await;
    store.close().await;
    Ok(())
}

/// SQLite creates the file but not its folder.
fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    if let Some(path) = concerto_store::sqlite_file(url)
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    Ok(())
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_string(),
    }
}

async fn add_user(
    database_url: &str,
    email: &str,
    role: &str,
    ambito: Option<&str>,
    name: Option<String>,
) -> anyhow::Result<()> {
    let role = Role::from_code(role).with_context(|| {
        format!("unknown role «{role}»: use platform-admin, ambito-admin, ambito-editor, representative or citizen")
    })?;
    anyhow::ensure!(concerto_domain::is_email(email.trim()), "«{email}» is not an e-mail address");
    let mut password = String::new();
    std::io::stdin().read_line(&mut password).context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let min = concerto_domain::access::MIN_PASSWORD_CHARS;
    anyhow::ensure!(password.chars().count() >= min, "the password must have at least {min} characters");
    ensure_sqlite_dir(database_url)?;
    let store =
        Store::open(database_url).await.with_context(|| format!("opening the database {}", redact(database_url)))?;
    let ambito_id = match (role.needs_ambito(), ambito) {
        (true, None) => anyhow::bail!("the role {} needs --ambito SLUG", role.code()),
        (_, Some(slug)) => Some(store.ambito_id(slug).await?.with_context(|| format!("no Ambito «{slug}»"))?),
        (false, None) => None,
    };
    let account = NewAccount {
        email: email.to_string(),
        display_name: name.unwrap_or_else(|| email.to_string()),
        role,
        ambito_id,
        password_hash: Some(concerto_web::auth::hash_password(password)),
    };
    let id = store.create_account(&account, "cli", chrono::Utc::now()).await?;
    println!("account {id} created: {} ({})", account.email, role.code());
    store.close().await;
    Ok(())
}

async fn check_register(database_url: &str, ambito: &str) -> anyhow::Result<()> {
    let store = open_store(database_url).await?;
    let mut sound = true;
    for (year, lines) in store.protocol_register(ambito).await? {
        // An annulled number is still in the register: it counts for the sequence.
        let numbers: Vec<i64> = lines.iter().map(|l| l.sequence).collect();
        let annulled = lines.iter().filter(|l| l.annulled).count();
        let check = concerto_domain::RegisterCheck::of(&numbers);
        sound &= check.is_sound();
        println!(
            "ambito={ambito} year={year} count={} annulled={annulled} last={} gaps={} duplicates={}",
            check.count,
            check.last,
            check.gaps.len(),
            check.duplicates.len()
        );
    }
    store.close().await;
    anyhow::ensure!(sound, "the protocol register of {ambito} has gaps or duplicates");
    Ok(())
}

/// `concerto retention`: one line per row, `process=SLUG TABLE id=N [protocol=…]`,
/// then a total. The same pass the server's job makes, at the system clock.
async fn retention(database_url: &str, dry_run: bool) -> anyhow::Result<()> {
    let store = open_store(database_url).await?;
    let outcome = store.apply_retention(chrono::Utc::now(), concerto_web::RETENTION_ACTOR, dry_run).await;
    store.close().await;
    let done = outcome?;
    let mut total = 0;
    for (process, rows) in &done {
        for row in rows {
            println!("process={} {row}", process.slug);
        }
        total += rows.len();
    }
    let verb = if dry_run { "would be anonymised" } else { "anonymised" };
    println!("retention: {total} rows in {} processes {verb}", done.len());
    Ok(())
}

async fn open_store(database_url: &str) -> anyhow::Result<Store> {
    Store::open(database_url).await.with_context(|| format!("opening the database {}", redact(database_url)))
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every entry and the recorded end of the chain; with `--from`, also that
    /// a head saved earlier is still in the chain.
    Verify {
        #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
        database_url: String,
        /// A head printed earlier by `concerto audit head` (`SEQUENCE:HASH`), kept
        /// outside the database: deleting the last entries and moving the recorded
        /// end of the chain then shows.
        #[arg(long)]
        from: Option<String>,
    },
    /// Print the end of the chain as `SEQUENCE:HASH`, to keep outside the database.
    Head {
        #[arg(long, env = "CONCERTO_DATABASE_URL", default_value = "sqlite://data/concerto.db")]
        database_url: String,
    },
}

/// `SEQUENCE:HASH`, as `concerto audit head` prints it.
fn parse_anchor(text: &str) -> anyhow::Result<concerto_domain::ChainHead> {
    let (sequence, hash) = text.trim().split_once(':').context("the head is SEQUENCE:HASH")?;
    let sequence: i64 = sequence.parse().context("the head's sequence is a number")?;
    anyhow::ensure!(
        hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "the head's hash is 64 hexadecimal digits"
    );
    Ok(concerto_domain::ChainHead { sequence, hash: hash.to_ascii_lowercase() })
}

async fn verify_audit(database_url: &str, from: Option<&str>) -> anyhow::Result<()> {
    let anchor = from.map(parse_anchor).transpose()?;
    let store = open_store(database_url).await?;
    let report = match &anchor {
        Some(anchor) => store.verify_audit_from(anchor).await,
        None => store.verify_audit().await,
    };
    store.close().await;
    let report = report?;
    if let Some(found) = report.first_break {
        anyhow::bail!("audit: {found} (voci integre prima della rottura: {})", report.entries);
    }
    match anchor {
        Some(a) => println!(
            "audit: {} entries, chain intact through the saved head {}:{}, last hash {}",
            report.entries, a.sequence, a.hash, report.last_hash
        ),
        None => println!("audit: {} entries, chain intact, last hash {}", report.entries, report.last_hash),
    }
    Ok(())
}

async fn print_audit_head(database_url: &str) -> anyhow::Result<()> {
    let store = open_store(database_url).await?;
    let head = store.audit_head().await;
    store.close().await;
    let head = head?;
    println!("{}:{}", head.sequence, head.hash);
    Ok(())
}

fn import_notice(file: &std::path::Path) -> anyhow::Result<()> {
    let bytes = if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).context("reading standard input")?;
        buf
    } else {
        std::fs::read(file).with_context(|| format!("reading {}", file.display()))?
    };
    let draft = concerto_notice::import(&bytes)?;
    println!("{}", serde_json::to_string_pretty(&draft)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(super::redact("postgres://u:secret@db:5432/x"), "postgres://…@db:5432/x");
        assert_eq!(super::redact("sqlite://data/concerto.db"), "sqlite://data/concerto.db");
    }
}
