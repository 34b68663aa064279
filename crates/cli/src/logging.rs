//! The log: lines for people by default, one JSON object per line for collectors.
//! Nothing logged names a person or carries a secret link: requests are logged by
//! their route's template (see `concerto_web::request_log`).

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct LogArgs {
    /// `text` for people, `json` (one object per line) for log collectors.
    #[arg(long, global = true, env = "CONCERTO_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The filter of `RUST_LOG`, or Concerto's own lines and warnings from the libraries.
const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=warn";

pub fn init(args: &LogArgs) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| DEFAULT_FILTER.into());
    // Colours only for a person at a terminal, never into the journal or a file.
    let colours = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(colours);
    match args.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).init(),
    }
}
