//! Binary entry point: serves the provider when Terraform launches it.

use std::process::ExitCode;

const USAGE: &str = "terraform-provider-gxp — GxP qualification provider for Terraform/OpenTofu

This binary is a Terraform plugin: Terraform starts it. Subcommands for people:
  version    print the provider version
  verify     verify filed qualification reports (hashes, chains, KMS signatures);
             `terraform-provider-gxp verify --help` for details
  statement  print the statement an approver signs for a specification (electronic
             signatures); `terraform-provider-gxp statement --help` for details
";

fn main() -> ExitCode {
    // Diagnostics are read by people in `terraform plan`; a captured Rust backtrace
    // (RUST_BACKTRACE=1 in the environment) would bury the message.
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("version") | Some("--version") => {
            println!("terraform-provider-gxp {}", gxp::PROVIDER_VERSION);
            ExitCode::SUCCESS
        }
        Some("verify") => verify(&args[1..]),
        Some("statement") => ExitCode::from(gxp_core::approval::statement::command(&args[1..])),
        Some("help") | Some("--help") | Some("-h") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown subcommand `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
        None if std::env::var_os("TF_PLUGIN_MAGIC_COOKIE").is_none() => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
        None => serve(),
    }
}

/// The async runtime, with the TLS back-end chosen.
fn runtime() -> Option<tokio::runtime::Runtime> {
    // Both rustls back-ends are linked (tonic brings ring, the AWS SDK aws-lc-rs): the plugin handshake is tested with ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(err) => {
            eprintln!("cannot start the async runtime: {err}");
            None
        }
    }
}

/// `verify`: the auditor's report verifier (exit 0 clean, 1 findings, 2 cannot run).
fn verify(args: &[String]) -> ExitCode {
    match runtime() {
        Some(rt) => ExitCode::from(rt.block_on(gxp_core::integrity::verify::command(args))),
        None => ExitCode::from(2),
    }
}

fn serve() -> ExitCode {
    let Some(runtime) = runtime() else {
        return ExitCode::FAILURE;
    };
    match runtime.block_on(gxp::serve()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("provider server failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}
