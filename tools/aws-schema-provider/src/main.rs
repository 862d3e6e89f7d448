//! `terraform-provider-aws-schema`: the schema-only hashicorp/aws stand-in (see the library).

use std::process::ExitCode;

fn main() -> ExitCode {
    // A diagnostic carries no captured backtrace (RUST_BACKTRACE in the environment).
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
    match std::env::args().nth(1).as_deref() {
        Some("version") | Some("--version") => {
            println!(
                "terraform-provider-aws-schema {} (schema-only stand-in for hashicorp/aws)",
                env!("CARGO_PKG_VERSION")
            );
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("unknown argument `{other}`; Terraform starts this plugin");
            return ExitCode::from(2);
        }
        None if std::env::var_os("TF_PLUGIN_MAGIC_COOKIE").is_none() => {
            eprintln!(
                "terraform-provider-aws-schema: a Terraform plugin (schema-only stand-in for hashicorp/aws 5.100.0); Terraform starts it. Schema: ${} or {}",
                aws_schema_provider::provider::SCHEMA_ENV,
                aws_schema_provider::provider::default_schema_path().display()
            );
            return ExitCode::from(2);
        }
        None => {}
    }
    // tonic and other workspace members may link more than one rustls crypto back-end.
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
    let stand_in = aws_schema_provider::StandIn::load();
    match runtime.block_on(tf_provider::serve("aws", stand_in)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("provider server failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}
