//! Logs on stderr: warnings (retries, waits) always, one line per GitHub request with `-v`.
//! Coloured by the rule stdout follows: only on a terminal, never with `NO_COLOR`.

pub fn init(verbose: bool) {
    let level = if verbose { "cm_audit=info" } else { "cm_audit=warn" };
    let colour = anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(level))
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .without_time()
        .with_target(false)
        .try_init();
}
