//! Binary entry point: serves the provider when Terraform launches it.

use std::process::ExitCode;

const USAGE: &str = "terraform-provider-gxp — GxP qualification provider for Terraform/OpenTofu

This binary is a Terraform plugin: Terraform starts it. Subcommands for people:
  version    print the provider version
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

fn serve() -> ExitCode {
    // Both rustls back-ends are linked (tonic brings ring, the AWS SDK aws-lc-rs): the plugin handshake is tested with ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(gxp::serve()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("provider server failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}
