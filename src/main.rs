use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(cm_audit::cli::main())
}
